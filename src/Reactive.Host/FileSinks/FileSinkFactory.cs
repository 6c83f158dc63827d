using Microsoft.Extensions.Configuration;
using Reactive.Host.Progress;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Reactive.Host.FileSinks;

/// <summary>Creates the file sink of each pipeline from <see cref="FileSinkOptions"/>.</summary>
public sealed class FileSinkFactory(IOptions<FileSinkOptions> options, TimeProvider timeProvider)
{
    /// <summary>Creates the sink of <paramref name="pipeline"/> (the caller disposes it; disposing closes the file).</summary>
    /// <param name="pipeline">The pipeline name (file name prefix).</param>
    /// <param name="columns">The value columns.</param>
    /// <param name="hasWindow">Whether rows carry a window.</param>
    /// <param name="format">The format; <see cref="FileSinkOptions.Format"/> when null.</param>
    /// <param name="windowName">The window's JSON object name (Spark's <c>window(…).alias(…)</c>).</param>
    public FileSink Create(string pipeline, IReadOnlyList<string> columns, bool hasWindow = false, FileSinkFormat? format = null, string windowName = "window")
    {
        var o = options.Value;
        return new FileSink(o.Directory, pipeline, columns, hasWindow, format ?? o.Format, o.MaxFileBytes, o.RollInterval, timeProvider, windowName);
    }

    /// <summary>
    /// Creates the per-batch files of <paramref name="pipeline"/> for a checkpointed pipeline: one file per
    /// batch id in the folder <c>{Directory}/{pipeline}</c>, replaced when the batch is written again
    /// (the caller disposes the sink).
    /// </summary>
    /// <param name="pipeline">The pipeline name (the folder of its files).</param>
    /// <param name="columns">The value columns.</param>
    /// <param name="hasWindow">Whether rows carry a window.</param>
    /// <param name="format">The format; <see cref="FileSinkOptions.Format"/> when null.</param>
    /// <param name="windowName">The window's JSON object name (Spark's <c>window(…).alias(…)</c>).</param>
    public BatchFileSink CreateBatchFiles(string pipeline, IReadOnlyList<string> columns, bool hasWindow = false, FileSinkFormat? format = null, string windowName = "window")
    {
        var o = options.Value;
        return new BatchFileSink(o.Directory, pipeline, columns, hasWindow, format ?? o.Format, windowName);
    }
}

/// <summary>Registers the file sinks.</summary>
public static class FileSinksServiceCollectionExtensions
{
    /// <summary>Registers <see cref="FileSinkFactory"/>; binds section <c>FileSinks</c>, validated at start.</summary>
    public static IServiceCollection AddReactiveFileSinks(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.TryAddSingleton(TimeProvider.System);
        services.AddReactiveOptions<FileSinkOptions>(configuration.GetSection(FileSinkOptions.SectionName));
        services.TryAddSingleton<FileSinkFactory>();
        return services;
    }
}

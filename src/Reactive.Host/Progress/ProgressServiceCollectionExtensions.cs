using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Reactive.Host.DeadLetters;

namespace Reactive.Host.Progress;

/// <summary>Registers pipeline progress, its periodic log, and the recent dead letters.</summary>
public static class ProgressServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="PipelineProgressRegistry"/>, <see cref="DeadLetterStore"/> (counting into the
    /// registry, logging through <see cref="RejectionLog"/>) and the
    /// <see cref="ProgressReporter"/> background service; binds sections <c>Progress</c> and <c>DeadLetters</c>.
    /// </summary>
    public static IServiceCollection AddReactiveProgress(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<PipelineProgressRegistry>();
        services.AddReactiveOptions<ProgressOptions>(configuration.GetSection(ProgressOptions.SectionName));
        services.AddReactiveOptions<DeadLetterOptions>(configuration.GetSection(DeadLetterOptions.SectionName));
        services.TryAddSingleton<IDeadLetterCounter>(sp => sp.GetRequiredService<PipelineProgressRegistry>());
        services.TryAddSingleton<RejectionLog>();
        services.TryAddSingleton<DeadLetterStore>();
        services.TryAddSingleton<ProgressReporter>();
        services.AddHostedService(sp => sp.GetRequiredService<ProgressReporter>());
        return services;
    }
}

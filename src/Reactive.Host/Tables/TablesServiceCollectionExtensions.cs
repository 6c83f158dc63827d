using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Reactive.Host.Progress;

namespace Reactive.Host.Tables;

/// <summary>Registers the memory tables.</summary>
public static class TablesServiceCollectionExtensions
{
    /// <summary>Registers <see cref="MemoryTableStore"/> (singleton); binds section <c>Tables</c>, validated at start.</summary>
    public static IServiceCollection AddReactiveTables(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.TryAddSingleton(TimeProvider.System);
        services.AddReactiveOptions<TablesOptions>(configuration.GetSection(TablesOptions.SectionName));

        // With a state directory the tables are durable beside the checkpoints, so a restarted pipeline resumes them.
        services.PostConfigure<TablesOptions>(o => o.DurableDirectory ??= configuration["Reactive:StateDirectory"] is { Length: > 0 } state ? Path.GetFullPath(state) : null);
        services.TryAddSingleton<MemoryTableStore>();
        return services;
    }
}

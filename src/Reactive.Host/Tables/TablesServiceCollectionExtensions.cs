using Microsoft.Extensions.Configuration;
using Reactive.Host.Progress;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Reactive.Host.Sql;

namespace Reactive.Host.Tables;

/// <summary>Registers the memory tables and the read-only SQL over them.</summary>
public static class TablesServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="MemoryTableStore"/> and <see cref="SqlQueryService"/> (singletons); binds
    /// sections <c>Tables</c> and <c>Sql</c>, validated at start.
    /// </summary>
    public static IServiceCollection AddReactiveTables(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.TryAddSingleton(TimeProvider.System);
        services.AddReactiveOptions<TablesOptions>(configuration.GetSection(TablesOptions.SectionName));
        services.AddReactiveOptions<SqlOptions>(configuration.GetSection(SqlOptions.SectionName));
        services.TryAddSingleton<MemoryTableStore>();
        services.TryAddSingleton<SqlQueryService>();
        return services;
    }
}

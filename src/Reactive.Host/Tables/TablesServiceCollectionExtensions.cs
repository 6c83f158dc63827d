using Microsoft.Extensions.Configuration;
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
        services.AddOptions<TablesOptions>().Bind(configuration.GetSection(TablesOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<SqlOptions>().Bind(configuration.GetSection(SqlOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<MemoryTableStore>();
        services.TryAddSingleton<SqlQueryService>();
        return services;
    }
}

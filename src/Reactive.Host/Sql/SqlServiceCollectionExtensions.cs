using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Reactive.Host.Progress;
using Reactive.Host.Tables;

namespace Reactive.Host.Sql;

/// <summary>Registers the read-only SQL over the memory tables.</summary>
public static class SqlServiceCollectionExtensions
{
    /// <summary>
    /// Registers the memory tables (<see cref="TablesServiceCollectionExtensions.AddReactiveTables"/>) and
    /// <see cref="SqlQueryService"/> (singleton); binds section <c>Sql</c>, validated at start.
    /// </summary>
    public static IServiceCollection AddReactiveSql(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddReactiveTables(configuration);
        services.AddReactiveOptions<SqlOptions>(configuration.GetSection(SqlOptions.SectionName));
        services.TryAddSingleton<SqlQueryService>();
        return services;
    }
}

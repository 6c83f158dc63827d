using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Reactive.Host.Progress;

namespace Reactive.Host.Metrics;

/// <summary>Registers the service's metrics.</summary>
public static class MetricsServiceCollectionExtensions
{
    /// <summary>Registers <see cref="ReactiveMetrics"/> and the Prometheus <see cref="PrometheusExporter"/> (singletons).</summary>
    public static IServiceCollection AddReactiveMetrics(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddMetrics();
        services.TryAddSingleton<PipelineProgressRegistry>();
        services.TryAddSingleton<ReactiveMetrics>();
        services.TryAddSingleton(sp => new PrometheusExporter(sp.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()));
        return services;
    }
}

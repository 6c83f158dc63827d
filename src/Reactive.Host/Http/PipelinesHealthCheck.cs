using Microsoft.Extensions.Diagnostics.HealthChecks;
using Reactive.Host.Progress;

namespace Reactive.Host.Http;

/// <summary>
/// Ready once every registered pipeline has started (Degraded while one is still starting),
/// Unhealthy with the reason while a pipeline has failed and is backing off.
/// </summary>
public sealed class PipelinesHealthCheck(PipelineProgressRegistry registry) : IHealthCheck
{
    /// <inheritdoc />
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var pipelines = registry.All;
        var data = pipelines.ToDictionary(p => p.Name, p => (object)p.State.ToString(), StringComparer.Ordinal);
        var failing = pipelines.Where(p => p.State == PipelineState.BackingOff).ToList();
        if (failing.Count > 0)
        {
            var reasons = string.Join("; ", failing.Select(p => $"{p.Name} failed and is backing off: {p.LastError ?? "unknown error"}"));
            return Task.FromResult(HealthCheckResult.Unhealthy(reasons, data: data));
        }

        var starting = pipelines.Where(p => p.State == PipelineState.Starting).Select(p => p.Name).ToList();
        if (starting.Count > 0)
        {
            return Task.FromResult(HealthCheckResult.Degraded("Not ready: waiting for " + string.Join(", ", starting) + " to start.", data: data));
        }

        return Task.FromResult(HealthCheckResult.Healthy(pipelines.Count == 0 ? "No pipelines are enabled." : "Every pipeline has started.", data));
    }
}

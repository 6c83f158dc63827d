using System.Globalization;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Reactive.Host.Progress;

namespace Reactive.Host.Http;

/// <summary>
/// Health that tells the truth about every pipeline, the reasons in the description:
/// <list type="bullet">
/// <item>Unhealthy while a pipeline has failed and is backing off, its source has given up, or it has stopped
/// (its live source ended, or the service is shutting down);</item>
/// <item>Degraded while a pipeline is starting, its source is retrying (a socket reconnecting), or it has read nothing
/// for longer than its stall time (<see cref="PipelineProgress.StallTimeout"/>);</item>
/// <item>Healthy otherwise. A pipeline whose finite input (a replay, a generator or sample with a count) ended is done,
/// not failed: it is shown as <c>Stopped (finished)</c> and leaves health as it is.</item>
/// </list>
/// </summary>
public sealed class PipelinesHealthCheck(PipelineProgressRegistry registry, TimeProvider time) : IHealthCheck
{
    /// <inheritdoc />
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(Check(registry.All, time.GetUtcNow()));

    /// <summary>The health of <paramref name="pipelines"/> at <paramref name="now"/>.</summary>
    internal static HealthCheckResult Check(IReadOnlyList<PipelineProgress> pipelines, DateTimeOffset now)
    {
        var data = new Dictionary<string, object>(StringComparer.Ordinal);
        var unhealthy = new List<string>();
        var degraded = new List<string>();
        var starting = new List<string>();
        foreach (var p in pipelines)
        {
            var (status, reason) = Judge(p, now);
            data[p.Name] = p.State == PipelineState.Stopped && p.StopReason != PipelineStopReason.None
                ? $"{p.State} ({Describe(p.StopReason)})"
                : p.State.ToString();
            switch (status)
            {
                case HealthStatus.Unhealthy:
                    unhealthy.Add(reason!);
                    break;
                case HealthStatus.Degraded when p.State == PipelineState.Starting:
                    starting.Add(p.Name);
                    break;
                case HealthStatus.Degraded:
                    degraded.Add(reason!);
                    break;
            }
        }

        if (starting.Count > 0)
        {
            degraded.Insert(0, "Not ready: waiting for " + string.Join(", ", starting) + " to start");
        }

        if (unhealthy.Count > 0)
        {
            return HealthCheckResult.Unhealthy(string.Join("; ", unhealthy.Concat(degraded)) + ".", data: data);
        }

        if (degraded.Count > 0)
        {
            return HealthCheckResult.Degraded(string.Join("; ", degraded) + ".", data: data);
        }

        return HealthCheckResult.Healthy(
            pipelines.Count == 0 ? "No pipelines are enabled."
            : pipelines.Any(p => p.StopReason == PipelineStopReason.Finished) ? "Every pipeline has started; those with a finite input that ended are done."
            : "Every pipeline has started.",
            data);
    }

    /// <summary>One pipeline's health and, unless healthy, why.</summary>
    private static (HealthStatus Status, string? Reason) Judge(PipelineProgress p, DateTimeOffset now)
    {
        switch (p.State)
        {
            case PipelineState.Starting:
                return (HealthStatus.Degraded, $"{p.Name} is starting");
            case PipelineState.BackingOff:
                return (HealthStatus.Unhealthy, $"{p.Name} failed and is backing off: {p.LastError ?? "unknown error"}");
            case PipelineState.Stopped:
                return p.StopReason switch
                {
                    PipelineStopReason.Finished => (HealthStatus.Healthy, null),
                    PipelineStopReason.SourceEnded => (HealthStatus.Unhealthy, $"{p.Name} has stopped: its source ended and it reads nothing any more"),
                    PipelineStopReason.Shutdown => (HealthStatus.Unhealthy, $"{p.Name} has stopped: the service is shutting down"),
                    PipelineStopReason.CheckpointUnusable => (HealthStatus.Unhealthy, $"{p.Name} has stopped: {p.LastError}"),
                    _ => (HealthStatus.Unhealthy, $"{p.Name} has stopped"),
                };
        }

        switch (p.SourceCondition)
        {
            case SourceCondition.GaveUp:
                return (HealthStatus.Unhealthy, $"{p.Name}'s source gave up: {p.SourceStatus}");
            case SourceCondition.Retrying:
                return (HealthStatus.Degraded, $"{p.Name}'s source is retrying: {p.SourceStatus}");
        }

        if (p.StallTimeout is { } stall && p.SinceProgress(now) is var quiet && quiet > stall)
        {
            return (HealthStatus.Degraded, string.Create(
                CultureInfo.InvariantCulture,
                $"{p.Name} has made no progress for {Math.Floor(quiet.TotalSeconds)} s (no line read; stall time {stall.TotalSeconds} s)"));
        }

        return (HealthStatus.Healthy, null);
    }

    private static string Describe(PipelineStopReason reason) => reason switch
    {
        PipelineStopReason.Finished => "finished",
        PipelineStopReason.Shutdown => "shutdown",
        PipelineStopReason.SourceEnded => "source ended",
        PipelineStopReason.CheckpointUnusable => "checkpoint unusable",
        _ => reason.ToString(),
    };
}

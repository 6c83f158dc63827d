using System.Net;
using System.Net.Sockets;
using System.Reactive.Concurrency;
using System.Text;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Reactive.Host.Http;
using Reactive.Host.Pipelines;
using Reactive.Host.Progress;
using Reactive.Sources;

namespace Reactive.Host.Tests.Pipelines;

/// <summary>Health that tells the truth: a retrying source and a stalled pipeline are Degraded, a failed or stopped one Unhealthy.</summary>
public sealed class PipelineHealthTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 3, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Stall_SocketPipelineQuietLongerThanItsStallTime_IsDegradedUntilALineComes()
    {
        var clock = new TestClock(T0);
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        await using var pipeline = await InProcessPipeline.StartAsync(
            "wc",
            clock,
            DefaultScheduler.Instance,
            ("Kind", "wordcount"),
            ("StallTimeout", "1 minute"),
            ("Source:Kind", "socket"),
            ("Source:Host", "127.0.0.1"),
            ("Source:Port", ((IPEndPoint)listener.LocalEndpoint).Port.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        using var client = await listener.AcceptTcpClientAsync().WaitAsync(TimeSpan.FromSeconds(30));
        await client.GetStream().WriteAsync(Encoding.UTF8.GetBytes("a b\nc\nd e f\n"));
        await Eventually.TrueAsync(() => pipeline.Progress.InputRows == 3, "three lines read");

        var reading = await pipeline.HealthAsync();
        clock.Advance(TimeSpan.FromSeconds(59));
        var quiet = await pipeline.HealthAsync();
        clock.Advance(TimeSpan.FromSeconds(2));
        var stalled = await pipeline.HealthAsync();
        await client.GetStream().WriteAsync(Encoding.UTF8.GetBytes("g\n"));
        await Eventually.TrueAsync(() => pipeline.Progress.InputRows == 4, "the fourth line read");
        var moving = await pipeline.HealthAsync();

        Assert.Equal(HealthStatus.Healthy, reading.Status);
        Assert.Equal(HealthStatus.Healthy, quiet.Status);
        Assert.Equal(HealthStatus.Degraded, stalled.Status);
        Assert.Equal("wc has made no progress for 61 s (no line read; stall time 60 s).", stalled.Description);
        Assert.Equal(HealthStatus.Healthy, moving.Status);
    }

    [Fact]
    public async Task Failed_SocketSourceOutOfRetries_IsUnhealthyWithTheReasonWhileItBacksOff()
    {
        var clock = new TestClock(T0);
        int port;
        using (var taken = new TcpListener(IPAddress.Loopback, 0))
        {
            taken.Start();
            port = ((IPEndPoint)taken.LocalEndpoint).Port;
        }

        await using var pipeline = await InProcessPipeline.StartAsync(
            "wc",
            clock,
            DefaultScheduler.Instance,
            ("Kind", "wordcount"),
            ("Source:Kind", "socket"),
            ("Source:Host", "127.0.0.1"),
            ("Source:Port", port.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("Source:Reconnect:MaxRetries", "0"));

        // The backoff waits on the test clock, which does not move: the pipeline stays failed.
        await Eventually.TrueAsync(() => pipeline.Progress.State == PipelineState.BackingOff, "the pipeline to fail");
        var health = await pipeline.HealthAsync();

        Assert.Equal(HealthStatus.Unhealthy, health.Status);
        Assert.StartsWith("wc failed and is backing off: ", health.Description, StringComparison.Ordinal);
        Assert.Contains($"127.0.0.1:{port}", health.Description, StringComparison.Ordinal);
        Assert.Equal("BackingOff", health.Data["wc"]);
    }

    [Fact]
    public async Task Finished_ReplayThatEnded_IsStoppedFinishedAndHealthy()
    {
        var path = Path.Combine(Path.GetTempPath(), $"reactive-health-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(path, "ITT,03/03/2014,09:30:00.033,43.16,Z,1,43.69,P,3\n");
        try
        {
            await using var pipeline = await InProcessPipeline.StartAsync(
                "replay",
                TimeProvider.System,
                DefaultScheduler.Instance,
                ("Kind", "spread"),
                ("Source:Kind", "replay"),
                ("Source:Path", path),
                ("Source:AsFastAsPossible", "true"));
            await pipeline.Completion.WaitAsync(TimeSpan.FromSeconds(30));
            var health = await pipeline.HealthAsync();

            Assert.Equal((PipelineState.Stopped, PipelineStopReason.Finished), (pipeline.Progress.State, pipeline.Progress.StopReason));
            Assert.Equal(HealthStatus.Healthy, health.Status);
            Assert.Equal("Stopped (finished)", health.Data["replay"]);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Check_SourceRetrying_IsDegradedWithTheSourcesWords()
    {
        var registry = new PipelineProgressRegistry();
        var p = registry.GetOrAdd("wc", "wordcount");
        p.SetState(PipelineState.Running);
        p.SetSourceStatus("127.0.0.1:9999: reconnecting in 00:00:02 (attempt 3) (cannot replay)", SourceCondition.Retrying);

        var health = PipelinesHealthCheck.Check(registry.All, T0);

        Assert.Equal(HealthStatus.Degraded, health.Status);
        Assert.Equal("wc's source is retrying: 127.0.0.1:9999: reconnecting in 00:00:02 (attempt 3) (cannot replay).", health.Description);
    }

    [Theory]
    [InlineData(PipelineStopReason.SourceEnded, "a has stopped: its source ended and it reads nothing any more.")]
    [InlineData(PipelineStopReason.Shutdown, "a has stopped: the service is shutting down.")]
    public void Check_Stopped_IsUnhealthyUnlessItsInputFinished(PipelineStopReason reason, string description)
    {
        var registry = new PipelineProgressRegistry();
        registry.GetOrAdd("a", "socket").SetStopped(reason);
        registry.GetOrAdd("b", "spread").SetStopped(PipelineStopReason.Finished);

        var health = PipelinesHealthCheck.Check(registry.All, T0);

        Assert.Equal(HealthStatus.Unhealthy, health.Status);
        Assert.Equal(description, health.Description);
        Assert.Equal("Stopped (finished)", health.Data["b"]);
    }

    [Fact]
    public void Check_SourceGaveUp_IsUnhealthyAndOutranksADegradedOne()
    {
        var registry = new PipelineProgressRegistry();
        var a = registry.GetOrAdd("a", "wordcount");
        a.SetState(PipelineState.Running);
        a.SetSourceStatus("127.0.0.1:1: gave up after 3 attempts", SourceCondition.GaveUp);
        registry.GetOrAdd("b", "wordcount");

        var health = PipelinesHealthCheck.Check(registry.All, T0);

        Assert.Equal(HealthStatus.Unhealthy, health.Status);
        Assert.Equal("a's source gave up: 127.0.0.1:1: gave up after 3 attempts; Not ready: waiting for b to start.", health.Description);
    }

    [Theory]
    [InlineData(SourceStatusKind.Connecting, SourceCondition.Ok, SourceCondition.Ok)]
    [InlineData(SourceStatusKind.Connected, SourceCondition.Ok, SourceCondition.Ok)]
    [InlineData(SourceStatusKind.Disconnected, SourceCondition.Ok, SourceCondition.Retrying)]
    [InlineData(SourceStatusKind.Reconnecting, SourceCondition.Retrying, SourceCondition.Retrying)]
    [InlineData(SourceStatusKind.Connecting, SourceCondition.Retrying, SourceCondition.Retrying)]
    [InlineData(SourceStatusKind.Connected, SourceCondition.Retrying, SourceCondition.Ok)]
    [InlineData(SourceStatusKind.GaveUp, SourceCondition.Retrying, SourceCondition.GaveUp)]
    [InlineData(SourceStatusKind.Connecting, SourceCondition.GaveUp, SourceCondition.Retrying)]
    [InlineData(SourceStatusKind.FileUnreadable, SourceCondition.Ok, SourceCondition.Ok)]
    [InlineData(SourceStatusKind.Watching, SourceCondition.Ok, SourceCondition.Ok)]
    [InlineData(SourceStatusKind.Retrying, SourceCondition.Ok, SourceCondition.Retrying)]
    [InlineData(SourceStatusKind.ShardReading, SourceCondition.Retrying, SourceCondition.Ok)]
    public void Condition_OfEachSourceStatus(SourceStatusKind kind, SourceCondition previous, SourceCondition expected) =>
        Assert.Equal(expected, LineSources.Condition(kind, previous));
}

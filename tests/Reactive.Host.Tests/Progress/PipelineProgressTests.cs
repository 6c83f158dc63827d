using Reactive.Host.Progress;

namespace Reactive.Host.Tests.Progress;

public sealed class PipelineProgressTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Rates_InputOverTwoSeconds_AreRowsPerSecond()
    {
        var p = new PipelineProgress("p", "socket");
        p.SampleRates(T0, TimeSpan.FromSeconds(10));
        p.RecordInput(100);
        p.SampleRates(T0.AddSeconds(2), TimeSpan.FromSeconds(10));

        Assert.Equal(50.0, p.InputRowsPerSecond, 9);
        Assert.Equal(50.0, p.ProcessedRowsPerSecond, 9);
    }

    [Fact]
    public void Triggers_AreCountedAndTheirEmitTimesObserved_WithoutChangingTheRates()
    {
        var p = new PipelineProgress("p", "file");
        var observed = new List<(string, double)>();
        p.BatchObserver = (name, seconds) => observed.Add((name, seconds));
        p.SampleRates(T0, TimeSpan.FromSeconds(10));
        p.RecordInput(300);
        p.RecordTrigger(TimeSpan.FromMilliseconds(250));
        p.RecordTrigger(TimeSpan.FromMilliseconds(500));
        p.SampleRates(T0.AddSeconds(3), TimeSpan.FromSeconds(10));

        Assert.Equal(100.0, p.InputRowsPerSecond, 9);
        Assert.Equal(100.0, p.ProcessedRowsPerSecond, 9);
        Assert.Equal(2, p.Batches);
        Assert.Equal([("p", 0.25), ("p", 0.5)], observed);
    }

    [Fact]
    public void Rates_OldSamples_LeaveTheWindow()
    {
        var p = new PipelineProgress("p", "socket");
        p.SampleRates(T0, TimeSpan.FromSeconds(10));
        p.RecordInput(1000);
        p.SampleRates(T0.AddSeconds(10), TimeSpan.FromSeconds(10));
        p.SampleRates(T0.AddSeconds(20), TimeSpan.FromSeconds(10));

        // The burst was in the first 10 s; the last 10 s had no input.
        Assert.Equal(0.0, p.InputRowsPerSecond, 9);
    }

    [Fact]
    public void Reporter_Sample_UpdatesEveryPipeline()
    {
        var registry = new PipelineProgressRegistry();
        var clock = new ManualClock(T0);
        var reporter = new ProgressReporter(registry, Microsoft.Extensions.Options.Options.Create(new ProgressOptions()), clock, Microsoft.Extensions.Logging.Abstractions.NullLogger<ProgressReporter>.Instance);
        var a = registry.GetOrAdd("a", "socket");
        var b = registry.GetOrAdd("b", "file");
        reporter.Sample();
        a.RecordInput(10);
        b.RecordInput(40);
        clock.Advance(TimeSpan.FromSeconds(5));
        reporter.Sample();

        Assert.Equal(2.0, a.InputRowsPerSecond, 9);
        Assert.Equal(8.0, b.InputRowsPerSecond, 9);
    }

    [Fact]
    public void AttachSink_TwoSinksAndARestart_SumsTheCurrentSinks()
    {
        var p = new PipelineProgress("p", "aggregate");
        Assert.Equal(0, p.QueueLength);

        p.AttachSink("a", () => new SinkCounters(3, 1, TimeSpan.FromMilliseconds(10)));
        p.AttachSink("b", () => new SinkCounters(4, 2, TimeSpan.FromMilliseconds(20)));
        p.AttachSink("a", () => new SinkCounters(5, 0, TimeSpan.FromMilliseconds(1))); // the restarted pipeline's sink replaces the first

        Assert.Equal(9, p.QueueLength);
        Assert.Equal(2, p.SinkDroppedRows);
        Assert.Equal(TimeSpan.FromMilliseconds(21), p.SinkWaitTime);
    }

    [Fact]
    public void Registry_AsDeadLetterCounter_CountsKnownPipelinesOnly()
    {
        var registry = new PipelineProgressRegistry();
        var p = registry.GetOrAdd("known", "socket");
        Reactive.Host.DeadLetters.IDeadLetterCounter counter = registry;

        counter.CountDeadLetter("known", "bad_number");
        counter.CountDeadLetter("unknown", "bad_number");

        Assert.Equal(1, p.DeadLetters);
        Assert.Null(registry.Find("unknown"));
    }

    private sealed class ManualClock(DateTimeOffset now) : TimeProvider
    {
        private DateTimeOffset _now = now;

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}

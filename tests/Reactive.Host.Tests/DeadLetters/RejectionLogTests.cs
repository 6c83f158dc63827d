using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Reactive.Host.DeadLetters;
using Reactive.Host.Progress;

namespace Reactive.Host.Tests.DeadLetters;

public sealed class RejectionLogTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);

    private static (RejectionLog Log, TestClock Clock, CapturingLogger<RejectionLog> Logger) NewLog()
    {
        var clock = new TestClock();
        var logger = new CapturingLogger<RejectionLog>();
        var log = new RejectionLog(Options.Create(new DeadLetterOptions { LogInterval = Interval }), logger, clock);
        return (log, clock, logger);
    }

    [Fact]
    public void Record_ManyRejections_FirstAtOnceThenOneSummaryPerInterval()
    {
        var (log, clock, logger) = NewLog();
        using var _ = log;

        log.Record("spread", "bad_number", "'x' is not a number");
        Assert.Equal(["pipeline spread: rejected a row: bad_number: 'x' is not a number (further rejections are summarised every 10 s)"], logger.Messages);

        for (var i = 0; i < 1_200; i++)
        {
            log.Record("spread", "bad_number", "'y' is not a number");
        }

        for (var i = 0; i < 34; i++)
        {
            log.Record("spread", "late", "window [12:00,12:01) is final");
        }

        clock.Advance(Interval - TimeSpan.FromMilliseconds(1));
        Assert.Single(logger.Messages);

        clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(2, logger.Messages.Count);
        Assert.Equal("pipeline spread: 1,234 rows rejected in the last 10 s (bad_number 1,200, late 34); last: window [12:00,12:01) is final", logger.Messages[1]);
        Assert.All(logger.Entries, e => Assert.Equal(LogLevel.Warning, e.Level));

        // A quiet interval logs nothing.
        clock.Advance(Interval);
        Assert.Equal(2, logger.Messages.Count);
    }

    [Fact]
    public void Record_AfterAQuietInterval_IsLoggedAtOnceAgain()
    {
        var (log, clock, logger) = NewLog();
        using var _ = log;

        log.Record("p", "too_long", "line 1");
        clock.Advance(TimeSpan.FromSeconds(3));
        log.Record("p", "too_long", "line 2");
        Assert.Single(logger.Messages);

        clock.Advance(TimeSpan.FromSeconds(7));
        Assert.Equal("pipeline p: 1 rows rejected in the last 10 s (too_long 1); last: line 2", logger.Messages[1]);

        clock.Advance(TimeSpan.FromSeconds(25));
        log.Record("p", "too_long", "line 3");
        Assert.Equal(3, logger.Messages.Count);
        Assert.StartsWith("pipeline p: rejected a row: too_long: line 3", logger.Messages[2], StringComparison.Ordinal);
    }

    [Fact]
    public void Record_TwoPipelines_AreSummarisedApart()
    {
        var (log, clock, logger) = NewLog();
        using var _ = log;

        foreach (var pipeline in new[] { "a", "b" })
        {
            for (var i = 0; i < 3; i++)
            {
                log.Record(pipeline, "bad_number", "n" + i);
            }
        }

        clock.Advance(Interval);

        Assert.Equal(4, logger.Messages.Count);
        Assert.Contains("pipeline a: 2 rows rejected in the last 10 s (bad_number 2); last: n2", logger.Messages);
        Assert.Contains("pipeline b: 2 rows rejected in the last 10 s (bad_number 2); last: n2", logger.Messages);
    }

    [Fact]
    public void Dispose_WithPendingRejections_LogsTheirSummary()
    {
        var (log, clock, logger) = NewLog();
        log.Record("p", "bad_number", "first");
        log.Record("p", "bad_number", "second");
        clock.Advance(TimeSpan.FromSeconds(4));

        log.Dispose();

        Assert.Equal("pipeline p: 1 rows rejected in the last 4 s (bad_number 1); last: second", logger.Messages[^1]);
        clock.Advance(Interval);
        Assert.Equal(2, logger.Messages.Count);
    }

    [Fact]
    public void DeadLetterStore_AddAndAddLate_CountKeepAndLogThroughTheRejectionLog()
    {
        var (log, clock, logger) = NewLog();
        using var _ = log;
        var registry = new PipelineProgressRegistry();
        var progress = registry.GetOrAdd("spread", "spread");
        var store = new DeadLetterStore(Options.Create(new DeadLetterOptions()), registry, clock, log);

        store.Add("spread", "bad_number", "'x' is not a number", "x", 3, "quotes.csv");
        store.Add("spread", "bad_number", "'y' is not a number", "y", 4, "quotes.csv");
        store.AddLate("spread", "window is final", "z", 5, "quotes.csv");
        clock.Advance(Interval);

        Assert.Equal(2, progress.DeadLetters);
        Assert.Equal(0, progress.LateRows);
        Assert.Equal(3, store.Recent("spread").Count);
        Assert.Equal(2, logger.Messages.Count);
        Assert.Equal("pipeline spread: 2 rows rejected in the last 10 s (bad_number 1, late 1); last: window is final", logger.Messages[1]);
    }

    [Fact]
    public void Options_LogInterval_DefaultsToTenSeconds() =>
        Assert.Equal(TimeSpan.FromSeconds(10), new DeadLetterOptions().LogInterval);
}

using Reactive.Operators;
using Reactive.Operators.Spread;

namespace Reactive.Operators.Tests.Spread;

public sealed class SpreadAggregatorTests
{
    // 2014-03-03 09:30:00, minute-aligned.
    private static readonly long T0 = new DateTime(2014, 3, 3, 9, 30, 0).Ticks;

    private static long At(double seconds) => T0 + (long)Math.Round(seconds * TimeSpan.TicksPerSecond);

    [Fact]
    public void QuoteSpread_Compute_RoundsNoiseAndFlags()
    {
        var q = QuoteSpread.Compute(1, 43.16, 43.69);
        Assert.Equal(0.53, q.Spread);
        Assert.Equal(0.53 / 43.425 * 10_000, q.RelativeBps, 1e-9);
        Assert.False(q.IsLocked);
        Assert.False(q.IsCrossed);

        var locked = QuoteSpread.Compute(1, 43.3, 43.3);
        Assert.Equal(0.0, locked.Spread);
        Assert.True(locked.IsLocked);
        Assert.False(locked.IsCrossed);

        var crossed = QuoteSpread.Compute(1, 43.32, 43.3);
        Assert.Equal(-0.02, crossed.Spread);
        Assert.True(crossed.IsCrossed);
        Assert.False(crossed.IsLocked);
    }

    [Fact]
    public void SpreadAggregator_HandWorkedQuotes_SecondsAndMinuteWithTimeWeighting()
    {
        var sink = new ListSink();
        var agg = new SpreadAggregator(new SpreadOptions(), sink);
        agg.OnQuote(At(0), 10.00, 10.02);   // .02 holds [0, .5)
        agg.OnQuote(At(0.5), 10.00, 10.04); // .04 holds [.5, 2.25)
        Assert.Empty(sink.Results);
        agg.OnQuote(At(2.25), 10.01, 10.01); // locked, 0 holds [2.25, 60)

        // Second 0 is final as soon as a quote of a later second arrives (delay 0).
        var s0 = Assert.Single(sink.Results);
        Assert.Equal(SpreadResultKind.Second, s0.Kind);
        Assert.Equal(At(0), s0.WindowStartTicks);
        Assert.Equal(At(1), s0.WindowEndTicks);
        Assert.Equal(2, s0.Count);
        Assert.Equal(0.03, s0.Average!.Value, 1e-12);
        Assert.Equal(0.02, s0.Min);
        Assert.Equal(0.04, s0.Max);
        Assert.Equal(0.04, s0.Last);
        Assert.Equal((0.02 * 0.5) + (0.04 * 0.5), s0.TimeWeightedAverage!.Value, 1e-12);
        Assert.Equal(At(0.5), s0.TimestampTicks);

        agg.Flush();
        Assert.Equal(3, sink.Results.Count);

        // Second 1 is empty: not emitted. Second 2: .04 carries in for [2, 2.25), then 0.
        var s2 = sink.Results[1];
        Assert.Equal(SpreadResultKind.Second, s2.Kind);
        Assert.Equal(At(2), s2.WindowStartTicks);
        Assert.Equal(1, s2.Count);
        Assert.Equal(1, s2.LockedCount);
        Assert.Equal(0, s2.CrossedCount);
        Assert.Equal(0.0, s2.Average);
        Assert.Equal(0.04 * 0.25, s2.TimeWeightedAverage!.Value, 1e-12);
        Assert.Equal(TimeSpan.TicksPerSecond, s2.WeightedTicks);

        var m = sink.Results[2];
        Assert.Equal(SpreadResultKind.Minute, m.Kind);
        Assert.Equal(T0, m.WindowStartTicks);
        Assert.Equal(T0 + TimeSpan.TicksPerMinute, m.WindowEndTicks);
        Assert.Equal(3, m.Count);
        Assert.Equal(1, m.LockedCount);
        Assert.Equal(0.02, m.Average!.Value, 1e-12);
        Assert.Equal(0.0, m.Min);
        Assert.Equal(0.04, m.Max);
        Assert.Equal(0.0, m.Last);
        Assert.Equal(((0.02 * 0.5) + (0.04 * 1.75)) / 60, m.TimeWeightedAverage!.Value, 1e-12);
        Assert.Equal(TimeSpan.TicksPerMinute, m.WeightedTicks);
    }

    [Fact]
    public void SpreadAggregator_ExcludeLockedAndCrossed_CountedButNotWeighted()
    {
        var sink = new ListSink();
        var agg = new SpreadAggregator(new SpreadOptions { IncludeLockedAndCrossed = false }, sink);
        agg.OnQuote(At(0), 10.00, 10.02);
        agg.OnQuote(At(0.5), 10.00, 10.04);
        agg.OnQuote(At(2.25), 10.01, 10.01); // locked
        agg.OnQuote(At(2.5), 10.02, 10.01);  // crossed
        agg.Flush();

        var s2 = sink.Results[1];
        Assert.Equal(2, s2.Count);
        Assert.Equal(0, s2.IncludedCount);
        Assert.Equal(1, s2.LockedCount);
        Assert.Equal(1, s2.CrossedCount);
        Assert.Null(s2.Average);
        Assert.Null(s2.Min);
        Assert.Null(s2.Max);
        Assert.Null(s2.Last);
        Assert.Equal(0.04, s2.TimeWeightedAverage!.Value, 1e-12); // only [2, 2.25) under .04 weighs
        Assert.Equal(TimeSpan.TicksPerSecond / 4, s2.WeightedTicks);

        var m = sink.Results[2];
        Assert.Equal(4, m.Count);
        Assert.Equal(2, m.IncludedCount);
        Assert.Equal(0.03, m.Average!.Value, 1e-12);
        Assert.Equal(0.04, m.Last);
        Assert.Equal(((0.02 * 0.5) + (0.04 * 1.75)) / 2.25, m.TimeWeightedAverage!.Value, 1e-12);
    }

    [Fact]
    public void SpreadAggregator_QuoteExactlyOnBoundary_GoesToNextSecond()
    {
        var sink = new ListSink();
        var agg = new SpreadAggregator(new SpreadOptions(), sink);
        agg.OnQuote(At(0.999), 10.00, 10.01);
        agg.OnQuote(At(1), 10.00, 10.03);
        agg.Flush();

        Assert.Equal(At(0), sink.Results[0].WindowStartTicks);
        Assert.Equal(1, sink.Results[0].Count);
        Assert.Equal(At(1), sink.Results[1].WindowStartTicks);
        Assert.Equal(1, sink.Results[1].Count);
        Assert.Equal(0.03, sink.Results[1].Last);
    }

    [Fact]
    public void SpreadAggregator_MinuteBoundary_EmitsMinuteAfterItsSeconds()
    {
        var sink = new ListSink();
        var agg = new SpreadAggregator(new SpreadOptions(), sink);
        agg.OnQuote(At(59.5), 10.00, 10.02);
        agg.OnQuote(At(60), 10.00, 10.04);
        Assert.Equal(new[] { SpreadResultKind.Second, SpreadResultKind.Minute }, sink.Results.Select(r => r.Kind));
        Assert.Equal(T0, sink.Results[1].WindowStartTicks);
        Assert.Equal(0.02, sink.Results[1].TimeWeightedAverage!.Value, 1e-12); // weight from the first quote only
        Assert.Equal(TimeSpan.TicksPerSecond / 2, sink.Results[1].WeightedTicks);

        agg.Flush();
        var m1 = sink.Results[^1];
        Assert.Equal(SpreadResultKind.Minute, m1.Kind);
        Assert.Equal(T0 + TimeSpan.TicksPerMinute, m1.WindowStartTicks);
        Assert.Equal(0.04, m1.TimeWeightedAverage!.Value, 1e-12);
    }

    [Fact]
    public void SpreadAggregator_OutOfOrderWithinOpenSecond_CountsInTimeOrder()
    {
        var sink = new ListSink();
        var agg = new SpreadAggregator(new SpreadOptions(), sink);
        agg.OnQuote(At(5.0), 10.00, 10.02);
        agg.OnQuote(At(5.5), 10.00, 10.04);
        agg.OnQuote(At(5.2), 10.00, 10.06); // before 5.5 but its second is still open
        agg.Flush();

        var s = sink.Results[0];
        Assert.Equal(3, s.Count);
        Assert.Equal(0.04, s.Last); // the latest by time, not by arrival
        Assert.Equal((0.02 * 0.2) + (0.06 * 0.3) + (0.04 * 0.5), s.TimeWeightedAverage!.Value, 1e-12);
        Assert.Equal(0, agg.LateCount);
    }

    [Fact]
    public void SpreadAggregator_QuoteForEmittedSecond_ReportedLateAndCounted()
    {
        var sink = new ListSink();
        var agg = new SpreadAggregator(new SpreadOptions(), sink);
        Assert.Equal(SpreadAggregator.QuoteVerdict.Accepted, agg.OnQuote(At(3.5), 10.00, 10.02));
        Assert.Equal(SpreadAggregator.QuoteVerdict.Accepted, agg.OnQuote(At(5.0), 10.00, 10.02));
        var emitted = sink.Results.Count;
        Assert.Equal(SpreadAggregator.QuoteVerdict.Late, agg.OnQuote(At(3.9), 10.00, 10.05));

        Assert.Equal(1, agg.LateCount);
        Assert.Equal(emitted, sink.Results.Count);
        Assert.Equal(At(5.0), agg.WatermarkTicks);
        Assert.Equal(
            "quote at 2014-03-03T09:30:03.9Z is in second [2014-03-03T09:30:03Z, 2014-03-03T09:30:04Z), final since the watermark 2014-03-03T09:30:05Z reached its end; raise SpreadOptions.WatermarkDelay to accept it",
            agg.LateReason(At(3.9)));

        agg.Flush();
        // The late quote counts nowhere: second 3 has its one quote, the minute has two.
        Assert.Equal(1, sink.Results[0].Count);
        Assert.Equal(2, sink.Results.Single(r => r.Kind == SpreadResultKind.Minute).Count);
    }

    [Fact]
    public void SpreadAggregator_WatermarkDelay_HoldsSecondsUntilFinal()
    {
        var sink = new ListSink();
        var agg = new SpreadAggregator(new SpreadOptions { WatermarkDelay = TimeSpan.FromSeconds(2) }, sink);
        agg.OnQuote(At(0.5), 10.00, 10.01);
        agg.OnQuote(At(2.5), 10.00, 10.02); // watermark .5: nothing final
        agg.OnQuote(At(1.2), 10.00, 10.03); // second 1 still open: accepted
        Assert.Empty(sink.Results);
        agg.OnQuote(At(3.1), 10.00, 10.04); // watermark 1.1: second 0 final
        Assert.Equal(At(0), Assert.Single(sink.Results).WindowStartTicks);
        Assert.Equal(SpreadAggregator.QuoteVerdict.Late, agg.OnQuote(At(0.7), 10.00, 10.05)); // second 0 already emitted: late
        Assert.Single(sink.Results);
        agg.OnQuote(At(5), 10.00, 10.06);   // watermark 3: seconds 1 and 2 final
        Assert.Equal(
            new[] { (SpreadResultKind.Second, At(0)), (SpreadResultKind.Second, At(1)), (SpreadResultKind.Second, At(2)) },
            sink.Results.Select(r => (r.Kind, r.WindowStartTicks)));
        Assert.Equal(1, agg.LateCount);
        Assert.Equal(0.03, sink.Results[1].Last);
        Assert.Equal(At(3), agg.WatermarkTicks);
        Assert.Equal(2, agg.PendingCount);
    }

    [Fact]
    public void SpreadAggregator_BadPrice_RejectedAndCounted()
    {
        var sink = new ListSink();
        var agg = new SpreadAggregator(new SpreadOptions(), sink);
        Assert.Equal(SpreadAggregator.QuoteVerdict.BadPrice, agg.OnQuote(At(0), 0, 10.02));
        Assert.Equal(SpreadAggregator.QuoteVerdict.BadPrice, agg.OnQuote(At(0.1), 10.00, double.NaN));
        agg.Flush();

        Assert.Equal(2, agg.RejectedCount);
        Assert.Empty(sink.Results);
        Assert.Equal("Bid 10 and ask NaN must both be positive finite prices.", SpreadAggregator.BadPriceReason(10.00, double.NaN));
    }

    [Fact]
    public void SpreadAggregator_NegativeTimes_AlignToEpoch()
    {
        var sink = new ListSink();
        var agg = new SpreadAggregator(new SpreadOptions(), sink);
        agg.OnQuote(-TimeSpan.TicksPerSecond / 2, 10.00, 10.02);
        agg.Flush();

        Assert.Equal(-TimeSpan.TicksPerSecond, sink.Results[0].WindowStartTicks);
        Assert.Equal(0, sink.Results[0].WindowEndTicks);
        Assert.Equal(-TimeSpan.TicksPerMinute, sink.Results[1].WindowStartTicks);
    }

    [Fact]
    public void SpreadAggregator_EmitSecondsFalse_OnlyMinutes()
    {
        var sink = new ListSink();
        var agg = new SpreadAggregator(new SpreadOptions { EmitSeconds = false }, sink);
        agg.OnQuote(At(0), 10.00, 10.02);
        agg.OnQuote(At(1), 10.00, 10.04);
        agg.Flush();

        var m = Assert.Single(sink.Results);
        Assert.Equal(SpreadResultKind.Minute, m.Kind);
        Assert.Equal(2, m.Count);
    }

    [Fact]
    public void SpreadAggregator_PendingBoundExceeded_ThrowsNamingOption()
    {
        var agg = new SpreadAggregator(new SpreadOptions { MaxPendingQuotes = 2 }, new ListSink());
        agg.OnQuote(At(0), 10.00, 10.02);
        agg.OnQuote(At(0.1), 10.00, 10.02);
        var ex = Assert.Throws<BoundExceededException>(() => agg.OnQuote(At(0.2), 10.00, 10.02));
        Assert.Contains("SpreadOptions.MaxPendingQuotes", ex.Message, StringComparison.Ordinal);
        Assert.Equal(("SpreadOptions", "MaxPendingQuotes"), (ex.OptionsType, ex.OptionName));
    }

    [Fact]
    public void SpreadAggregator_SteadyState_AllocatesNothingPerQuote()
    {
        var agg = new SpreadAggregator(new SpreadOptions { EmitSeconds = false, EmitMinutes = true }, new CountingSink());
        for (var i = 0; i < 10_000; i++)
        {
            agg.OnQuote(At(i * 0.01), 10.00, 10.02);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 10_000; i < 110_000; i++)
        {
            agg.OnQuote(At(i * 0.01), 10.00, 10.02 + (i % 3 * 0.01));
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Theory]
    [InlineData(nameof(SpreadOptions.WatermarkDelay))]
    [InlineData(nameof(SpreadOptions.MaxPendingQuotes))]
    [InlineData(nameof(SpreadOptions.EmitMinutes))]
    public void SpreadOptions_OutOfRange_ThrowsNamingOption(string name)
    {
        var options = name switch
        {
            nameof(SpreadOptions.WatermarkDelay) => new SpreadOptions { WatermarkDelay = TimeSpan.FromTicks(-1) },
            nameof(SpreadOptions.MaxPendingQuotes) => new SpreadOptions { MaxPendingQuotes = 0 },
            _ => new SpreadOptions { EmitSeconds = false, EmitMinutes = false },
        };
        var ex = Assert.Throws<OptionValidationException>(() => new SpreadAggregator(options, new ListSink()));
        Assert.Equal(name, ex.OptionName);
        Assert.Equal(name, ex.ParamName);
        Assert.Equal(name, Assert.Throws<OptionValidationException>(options.Validate).OptionName);
    }

    [Fact]
    public void SpreadOptions_StateOfAnotherDelay_NamesState()
    {
        var state = new SpreadAggregator(new SpreadOptions(), new ListSink()).Save();
        var ex = Assert.Throws<OptionValidationException>(new SpreadOptions { WatermarkDelay = TimeSpan.FromSeconds(1), State = new(state) }.Validate);
        Assert.Equal("State", ex.OptionName);
    }

    [Fact]
    public void SpreadOptions_Defaults_AsDocumentedAndValid()
    {
        var o = new SpreadOptions();
        Assert.Equal(TimeSpan.Zero, o.WatermarkDelay);
        Assert.True(o.IncludeLockedAndCrossed);
        Assert.True(o.EmitSeconds);
        Assert.True(o.EmitMinutes);
        Assert.Equal(1_000_000, o.MaxPendingQuotes);
        Assert.Null(o.IdleTimeout);
        Assert.Null(o.State);
        o.Validate();
    }

    private sealed class CountingSink : ISpreadSink
    {
        public int Count { get; private set; }

        public void OnResult(in SpreadResult result) => Count++;
    }
}

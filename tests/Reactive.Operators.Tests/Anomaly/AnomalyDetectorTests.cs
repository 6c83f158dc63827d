using Reactive.Operators;
using Reactive.Operators.Anomaly;

namespace Reactive.Operators.Tests.Anomaly;

public sealed class AnomalyDetectorTests
{
    private static readonly long Day0 = new DateTime(2017, 1, 1).Ticks;

    private static long At(int day, int hour) => Day0 + (day * TimeSpan.TicksPerDay) + (hour * TimeSpan.TicksPerHour);

    // 14 days (0..13) of hour 5 alternating 10 and 12: mean 11, sample sd sqrt(14/13).
    private static AnomalyDetector WithAlternatingHistory(AnomalyOptions? options = null, string series = "")
    {
        var detector = new AnomalyDetector(options ?? new AnomalyOptions());
        for (var d = 0; d < 14; d++)
        {
            var check = detector.Evaluate(series, At(d, 5), 5, d % 2 == 0 ? 10 : 12);
            Assert.Equal(AnomalyStatus.InsufficientHistory, check.Status);
            Assert.Equal(d, check.BaselineCount);
        }

        return detector;
    }

    [Fact]
    public void AnomalyDetector_AtThreshold_AnomalyJustAboveNormalJustBelow()
    {
        var sd = Math.Sqrt(14.0 / 13);
        var threshold = 11 + (2 * sd); // 13.0755...

        var below = WithAlternatingHistory().Evaluate(At(14, 5), 5, 13.07);
        Assert.Equal(AnomalyStatus.Normal, below.Status);
        Assert.Equal(14, below.BaselineCount);
        Assert.Equal(11, below.BaselineMean, 1e-12);
        Assert.Equal(sd, below.BaselineStdDev, 1e-12);
        Assert.Equal(threshold, below.Threshold, 1e-12);
        Assert.Equal((13.07 - 11) / sd, below.ZScore, 1e-12);

        var above = WithAlternatingHistory().Evaluate(At(14, 5), 5, 13.08);
        Assert.Equal(AnomalyStatus.Anomaly, above.Status);
        Assert.True(above.IsAnomaly);
        Assert.Equal((13.08 - 11) / sd, above.ZScore, 1e-12);
    }

    [Fact]
    public void AnomalyDetector_FewerThanMinHistory_NotJudged()
    {
        var detector = new AnomalyDetector(new AnomalyOptions());
        for (var d = 0; d < 13; d++)
        {
            detector.Evaluate(At(d, 5), 5, 10 + (d % 2));
        }

        var check = detector.Evaluate(At(13, 5), 5, 1_000);
        Assert.Equal(AnomalyStatus.InsufficientHistory, check.Status);
        Assert.Equal(13, check.BaselineCount);
        Assert.False(check.IsAnomaly);
    }

    [Fact]
    public void AnomalyDetector_Lookback_DropsPricesOlderThanFourteenDays()
    {
        var detector = new AnomalyDetector(new AnomalyOptions());
        detector.Evaluate(At(0, 5), 5, 1_000); // huge price on day 0
        for (var d = 1; d < 14; d++)
        {
            detector.Evaluate(At(d, 5), 5, d % 2 == 0 ? 10 : 12);
        }

        // Day 14: baseline is days 0..13 (day 0 is exactly t - 14 days: included), the 1000 hides the spike.
        var day14 = detector.Evaluate(At(14, 5), 5, 40);
        Assert.Equal(14, day14.BaselineCount);
        Assert.Equal(AnomalyStatus.Normal, day14.Status);

        // Day 15: baseline is days 1..14; the 1000 is gone.
        var day15 = detector.Evaluate(At(15, 5), 5, 40);
        Assert.Equal(14, day15.BaselineCount);
        Assert.Equal(AnomalyStatus.Anomaly, day15.Status);
    }

    [Fact]
    public void AnomalyDetector_OtherHoursAndCurrentDay_NotInBaseline()
    {
        var detector = WithAlternatingHistory();
        // Same day, other hours, wild prices: they do not touch hour 5's baseline.
        detector.Evaluate(At(14, 4), 4, 5_000);
        detector.Evaluate(At(14, 6), 6, -5_000);
        var check = detector.Evaluate(At(14, 5), 5, 13.08);
        Assert.Equal(14, check.BaselineCount);
        Assert.Equal(11, check.BaselineMean, 1e-12);
        Assert.Equal(AnomalyStatus.Anomaly, check.Status);
    }

    [Fact]
    public void AnomalyDetector_ZeroDeviation_AboveMeanIsAnomalyWithoutZ()
    {
        var detector = new AnomalyDetector(new AnomalyOptions());
        for (var d = 0; d < 14; d++)
        {
            detector.Evaluate("a", At(d, 1), 1, 0.1);
            detector.Evaluate("b", At(d, 1), 1, 0.1);
        }

        var equal = detector.Evaluate("a", At(14, 1), 1, 0.1);
        Assert.Equal(AnomalyStatus.Normal, equal.Status); // equals mean + 2·0 but is not above the mean
        Assert.Equal(0.1, equal.BaselineMean); // exact, no summation noise
        Assert.Equal(0.0, equal.BaselineStdDev);
        Assert.True(double.IsNaN(equal.ZScore));

        var above = detector.Evaluate("b", At(14, 1), 1, 0.11);
        Assert.Equal(AnomalyStatus.Anomaly, above.Status);
        Assert.Equal(0.1, above.Threshold);
        Assert.True(double.IsNaN(above.ZScore));
    }

    [Fact]
    public void AnomalyDetector_OutOfOrderAndDuplicate_RejectedStateUnchanged()
    {
        var detector = WithAlternatingHistory();
        Assert.Equal(AnomalyStatus.OutOfOrder, detector.Evaluate(At(12, 5), 5, 1_000).Status);
        Assert.Equal(AnomalyStatus.DuplicateTime, detector.Evaluate(At(13, 5), 5, 1_000).Status);
        Assert.True(detector.Evaluate(At(13, 5), 5, 1_000).IsRejected);

        var check = detector.Evaluate(At(14, 5), 5, 13.08);
        Assert.Equal(14, check.BaselineCount);
        Assert.Equal(11, check.BaselineMean, 1e-12);
        Assert.Equal(AnomalyStatus.Anomaly, check.Status);
    }

    [Fact]
    public void AnomalyDetector_Series_KeptApart()
    {
        var detector = new AnomalyDetector(new AnomalyOptions());
        for (var d = 0; d < 14; d++)
        {
            detector.Evaluate("low", At(d, 5), 5, d % 2 == 0 ? 10 : 12);
            detector.Evaluate("high", At(d, 5), 5, d % 2 == 0 ? 100 : 120);
        }

        Assert.Equal(AnomalyStatus.Anomaly, detector.Evaluate("low", At(14, 5), 5, 50).Status);
        Assert.Equal(AnomalyStatus.Normal, detector.Evaluate("high", At(14, 5), 5, 50).Status);
        Assert.Equal(2, detector.SeriesCount);
    }

    [Fact]
    public void AnomalyDetector_BadHourOrPrice_Rejected()
    {
        var detector = new AnomalyDetector(new AnomalyOptions());
        Assert.Equal(AnomalyStatus.InvalidHour, detector.Evaluate(At(0, 0), 25, 1).Status);
        Assert.Equal(AnomalyStatus.InvalidHour, detector.Evaluate(At(0, 0), -1, 1).Status);
        Assert.Equal(AnomalyStatus.InvalidPrice, detector.Evaluate(At(0, 0), 1, double.NaN).Status);
        Assert.Equal(AnomalyStatus.InvalidPrice, detector.Evaluate(At(0, 0), 1, double.PositiveInfinity).Status);
        Assert.Equal(AnomalyStatus.MissingSeries, detector.Evaluate(null!, At(0, 0), 1, 1).Status);
        Assert.Equal(0, detector.SeriesCount);
        Assert.Equal(AnomalyStatus.InsufficientHistory, detector.Evaluate(At(0, 0), 24, 1).Status);
        Assert.Equal(AnomalyStatus.InsufficientHistory, detector.Evaluate(At(0, 0), 0, 1).Status);
    }

    [Fact]
    public void AnomalyDetector_CustomOptions_KAndMinHistoryApply()
    {
        var options = new AnomalyOptions { StandardDeviations = 1, MinHistory = 3, Lookback = TimeSpan.FromDays(3) };
        var detector = new AnomalyDetector(options);
        detector.Evaluate(At(0, 2), 2, 10);
        detector.Evaluate(At(1, 2), 2, 12);
        detector.Evaluate(At(2, 2), 2, 14);

        // mean 12, sd 2: threshold 14 with K = 1.
        var check = detector.Evaluate(At(3, 2), 2, 14);
        Assert.Equal(AnomalyStatus.Anomaly, check.Status);
        Assert.Equal(14, check.Threshold, 1e-12);
        Assert.Equal(1, check.ZScore, 1e-12);
        Assert.Equal(3, check.BaselineCount);
    }

    [Fact]
    public void AnomalyDetector_MaxSeriesExceeded_ThrowsNamingOption()
    {
        var detector = new AnomalyDetector(new AnomalyOptions { MaxSeries = 1 });
        detector.Evaluate("a", At(0, 1), 1, 1);
        var ex = Assert.Throws<BoundExceededException>(() => detector.Evaluate("b", At(0, 1), 1, 1));
        Assert.Contains("AnomalyOptions.MaxSeries", ex.Message, StringComparison.Ordinal);
        Assert.Equal(("AnomalyOptions", "MaxSeries"), (ex.OptionsType, ex.OptionName));
    }

    [Fact]
    public void AnomalyDetector_MaxBaselineSizeExceeded_ThrowsNamingOption()
    {
        // A bound of 2: the third price is judged against 2 (allowed), the fourth would be judged against 3. (A lookback
        // of 2 days: a longer one holds more daily prices than the bound, which Validate refuses.)
        var detector = new AnomalyDetector(new AnomalyOptions { MinHistory = 2, MaxBaselineSize = 2, Lookback = TimeSpan.FromDays(2) });
        detector.Evaluate(At(0, 1), 1, 1);
        detector.Evaluate(At(0, 1) + 1, 1, 1);
        Assert.Equal(2, detector.Evaluate(At(0, 1) + 2, 1, 1).BaselineCount);
        var ex = Assert.Throws<BoundExceededException>(() => detector.Evaluate(At(0, 1) + 3, 1, 1));
        Assert.Contains("holds 3 baseline prices", ex.Message, StringComparison.Ordinal);
        Assert.Contains("AnomalyOptions.MaxBaselineSize", ex.Message, StringComparison.Ordinal);
        Assert.Equal(("AnomalyOptions", "MaxBaselineSize"), (ex.OptionsType, ex.OptionName));
    }

    [Fact]
    public void AnomalyDetector_BoundEqualToTheLookbackInDays_JudgesDailyPrices()
    {
        // As the option says: one price a day over 14 days needs a bound of 14 (it failed on day 15 with 14).
        var detector = new AnomalyDetector(new AnomalyOptions { MaxBaselineSize = 14 });
        for (var day = 0; day < 60; day++)
        {
            var check = detector.Evaluate(At(day, 0), 1, 10 + (day % 3));
            Assert.Equal(Math.Min(day, 14), check.BaselineCount);
        }
    }

    [Fact]
    public void AnomalyDetector_SteadyState_AllocatesNothingPerPrice()
    {
        var detector = new AnomalyDetector(new AnomalyOptions());
        var day = 0;
        for (; day < 30; day++)
        {
            for (var h = 1; h <= 24; h++)
            {
                detector.Evaluate("zone", At(day, h - 1), h, (day * 7 % 13) + h);
            }
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (; day < 400; day++)
        {
            for (var h = 1; h <= 24; h++)
            {
                detector.Evaluate("zone", At(day, h - 1), h, (day * 7 % 13) + h);
            }
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Theory]
    [InlineData(nameof(AnomalyOptions.StandardDeviations))]
    [InlineData(nameof(AnomalyOptions.Lookback))]
    [InlineData(nameof(AnomalyOptions.MinHistory))]
    [InlineData(nameof(AnomalyOptions.MaxBaselineSize))]
    [InlineData(nameof(AnomalyOptions.MaxSeries))]
    public void AnomalyOptions_OutOfRange_ThrowsNamingOption(string name)
    {
        var options = name switch
        {
            nameof(AnomalyOptions.StandardDeviations) => new AnomalyOptions { StandardDeviations = 0 },
            nameof(AnomalyOptions.Lookback) => new AnomalyOptions { Lookback = TimeSpan.FromHours(23) },
            nameof(AnomalyOptions.MinHistory) => new AnomalyOptions { MinHistory = 1 },
            nameof(AnomalyOptions.MaxBaselineSize) => new AnomalyOptions { MaxBaselineSize = 13 },
            _ => new AnomalyOptions { MaxSeries = 0 },
        };
        var ex = Assert.Throws<OptionValidationException>(() => new AnomalyDetector(options));
        Assert.Equal(name, ex.OptionName);
        Assert.Equal(name, ex.ParamName);
        Assert.Throws<OptionValidationException>(() => new AnomalyOptions { StandardDeviations = double.NaN }.Validate());
    }

    [Theory]
    [InlineData(12, 2, 1_000, nameof(AnomalyOptions.Lookback))]          // below a day: no earlier price of the same hour
    [InlineData(24, 2, 1_000, nameof(AnomalyOptions.Lookback))]          // one daily price, two needed: never judged
    [InlineData(13 * 24, 14, 1_000, nameof(AnomalyOptions.Lookback))]    // 13 daily prices, 14 needed: never judged
    [InlineData(30 * 24, 14, 20, nameof(AnomalyOptions.MaxBaselineSize))] // 30 daily prices, bound 20: fails on day 21
    public void AnomalyOptions_CombinationTheDetectorCannotRun_FailsValidateNamingTheOption(int lookbackHours, int minHistory, int maxBaseline, string name)
    {
        var options = new AnomalyOptions { Lookback = TimeSpan.FromHours(lookbackHours), MinHistory = minHistory, MaxBaselineSize = maxBaseline };
        var ex = Assert.Throws<OptionValidationException>(options.Validate);
        Assert.Equal(name, ex.OptionName);
        Assert.Throws<OptionValidationException>(() => new AnomalyDetector(options));
    }

    [Theory]
    [InlineData(14 * 24, 14, 14)]
    [InlineData((2 * 24) + 23, 2, 2)]
    [InlineData(30 * 24, 14, 30)]
    public void AnomalyOptions_SmallestWorkableCombinations_PassValidate(int lookbackHours, int minHistory, int maxBaseline) =>
        new AnomalyOptions { Lookback = TimeSpan.FromHours(lookbackHours), MinHistory = minHistory, MaxBaselineSize = maxBaseline }.Validate();

    [Fact]
    public void AnomalyOptions_StateOfAnotherLookbackOrTooManySeries_NamesState()
    {
        var other = new AnomalyState(AnomalyState.CurrentVersion, TimeSpan.FromDays(15).Ticks, []);
        Assert.Equal("State", Assert.Throws<OptionValidationException>(new AnomalyOptions { State = new(other) }.Validate).OptionName);
        var two = new AnomalyState(AnomalyState.CurrentVersion, TimeSpan.FromDays(14).Ticks, [new("a", 1, 0, [], []), new("b", 1, 0, [], [])]);
        Assert.Equal("State", Assert.Throws<OptionValidationException>(new AnomalyOptions { State = new(two), MaxSeries = 1 }.Validate).OptionName);
    }

    // Mean and sd of the prices in [t − lookback, t), oldest first, computed plainly from the full list:
    // the reference for the detector's ring, which must give the same doubles bit for bit.
    private static (int Count, double Mean, double Sd) Baseline(List<(long Time, double Price)> all, long t, long lookbackTicks)
    {
        var window = all.Where(p => p.Time >= t - lookbackTicks && p.Time < t).Select(p => p.Price).ToList();
        if (window.Count == 0)
        {
            return (0, double.NaN, double.NaN);
        }

        if (window.Min() == window.Max())
        {
            return (window.Count, window[0], window.Count >= 2 ? 0 : double.NaN);
        }

        var sum = 0.0;
        foreach (var x in window)
        {
            sum += x;
        }

        var mean = sum / window.Count;
        var squares = 0.0;
        foreach (var x in window)
        {
            squares += (x - mean) * (x - mean);
        }

        return (window.Count, mean, Math.Sqrt(squares / (window.Count - 1)));
    }

    [Fact]
    public void AnomalyDetector_RingWrapsAndGrows_SameStatisticsAsPlainComputation()
    {
        // Lookback 20 days. First one price every 2 days for 80 days: about 10 in the baseline, so the ring
        // (16 slots) wraps many times; then one every 6 hours: about 80 in the baseline, so the ring grows while
        // wrapped; then sparse again. Prices with many decimals, so a change of summation order would show.
        var lookback = TimeSpan.FromDays(20);
        var detector = new AnomalyDetector(new AnomalyOptions { Lookback = lookback, MaxBaselineSize = 1_000 });
        var history = new List<(long Time, double Price)>();
        var t = Day0;
        for (var i = 0; i < 200; i++)
        {
            t += i < 40 ? 2 * TimeSpan.TicksPerDay : i < 140 ? 6 * TimeSpan.TicksPerHour : 3 * TimeSpan.TicksPerDay;
            var price = 20 + (((i * 7919) % 101) * 0.137) + (i % 3 == 0 ? 1.0 / 3 : 0);

            var check = detector.Evaluate("s", t, 7, price);

            var (count, mean, sd) = Baseline(history, t, lookback.Ticks);
            Assert.Equal(count, check.BaselineCount);
            Assert.Equal(BitConverter.DoubleToInt64Bits(mean), BitConverter.DoubleToInt64Bits(check.BaselineMean));
            Assert.Equal(BitConverter.DoubleToInt64Bits(sd), BitConverter.DoubleToInt64Bits(check.BaselineStdDev));
            history.Add((t, price));
        }
    }
}

using System.Reactive;
using Reactive.Operators.Windows;
using Reactive.Testing;
using static Reactive.Operators.Tests.Windows.WindowTestData;
using static Reactive.Testing.ReactiveTest;

namespace Reactive.Operators.Tests.Windows;

/// <summary>
/// The micro-batch overload on random rows cut into random batches (empty ones included) against a brute-force
/// reference of Spark's micro-batch rules written here, batch by batch: W_N, the rows dropped by it, the window table,
/// what each mode emits in each data batch, no-data batch and final batch, and each batch's progress.
/// </summary>
public sealed class MicroBatchOracleTests
{
    private const long BatchSpacing = 1000;

    private static readonly string[] Aggregates = EventTimeWindowOracleTests.AllAggregates;

    private static readonly Comparer<(long Start, string Key)> ByStartThenKey =
        Comparer<(long Start, string Key)>.Create((x, y) => x.Start != y.Start ? x.Start.CompareTo(y.Start) : string.CompareOrdinal(x.Key, y.Key));

    /// <summary>One expected update: its header, rows and progress.</summary>
    private sealed record Expected(bool NoData, bool Final, long Watermark, List<(long Start, string Key, double?[] Values)> Rows, BatchProgress Progress);

    /// <summary>The options the reference follows.</summary>
    private sealed record Query(
        WindowOutputMode Mode, double Duration, double Slide, double? Delay, double Offset, bool NoDataBatches, bool RunEmptyBatches, EndOfInput AtEnd);

    [Theory]
    [InlineData(WindowOutputMode.Append, 31, 10, 5, 3.0, 0, true, false, EndOfInput.Flush)]
    [InlineData(WindowOutputMode.Append, 32, 10, 10, null, 0, true, true, EndOfInput.Flush)]
    [InlineData(WindowOutputMode.Append, 33, 7, 3, 0.0, 1, false, true, EndOfInput.Flush)]
    [InlineData(WindowOutputMode.Append, 34, 10, 4, 5.0, -2, true, false, EndOfInput.Keep)]
    [InlineData(WindowOutputMode.Update, 41, 10, 5, 3.0, 0, true, false, EndOfInput.Flush)]
    [InlineData(WindowOutputMode.Update, 42, 6, 6, null, 0, true, true, EndOfInput.Flush)]
    [InlineData(WindowOutputMode.Update, 44, 5, 5, 2.0, 0, false, true, EndOfInput.Keep)]
    [InlineData(WindowOutputMode.Complete, 51, 10, 5, 3.0, 0, true, false, EndOfInput.Flush)]
    [InlineData(WindowOutputMode.Complete, 52, 10, 10, null, 0, true, true, EndOfInput.Flush)]
    [InlineData(WindowOutputMode.Complete, 53, 7, 3, 0.0, 1, true, true, EndOfInput.Keep)]
    public void WindowByEventTime_MicroBatchRandomBatches_EveryUpdateMatchesBruteForce(
        WindowOutputMode mode, int seed, double duration, double slide, double? delay, double offset, bool noDataBatches, bool runEmptyBatches, EndOfInput atEnd)
    {
        var query = new Query(mode, duration, slide, delay, offset, noDataBatches, runEmptyBatches, atEnd);
        var batches = RandomBatches(seed);
        var options = Options(duration, slide, mode, aggregates: Aggregates);
        options.WatermarkDelay = delay is { } dl ? TimeSpan.FromSeconds(dl) : null;
        options.StartOffset = TimeSpan.FromSeconds(offset);
        options.NoDataBatches = noDataBatches;
        options.RunEmptyBatches = runEmptyBatches;
        options.AtEnd = atEnd;

        // Batch b arrives at 300 + 1000·b, its row i one tick later each: every batch ends before the next arrives.
        var scheduler = new TestScheduler();
        options.Scheduler = scheduler;
        var xs = scheduler.CreateHotObservable(
        [
            .. batches.Select((b, n) => OnNext(300 + (BatchSpacing * n), (IObservable<Row>)scheduler.CreateColdObservable(
                [.. b.Select((r, i) => OnNext(i + 1, r.Row)), OnCompleted<Row>(b.Count + 1)]))),
            OnCompleted<IObservable<Row>>(300 + (BatchSpacing * batches.Count)),
        ]);

        var res = scheduler.Start(() => xs.WindowByEventTime(options), Created, Subscribed, long.MaxValue / 2);

        Assert.Equal(NotificationKind.OnCompleted, res.Messages[^1].Value.Kind);
        var updates = res.Messages.SkipLast(1).Select(m => m.Value.Value).ToList();
        var expected = Reference(batches, query);
        Assert.Equal(expected.Count, updates.Count);
        for (var b = 0; b < expected.Count; b++)
        {
            var (e, actual) = (expected[b], updates[b]);
            var what = $"update {b}";
            Assert.Equal(b, actual.BatchId);
            Assert.Equal((e.NoData, e.Final, false, mode), (actual.IsNoDataBatch, actual.IsFinalBatch, actual.IsProvisional, actual.Mode));
            Assert.Equal(e.Watermark, actual.WatermarkTicks);
            Assert.Equal(e.Progress, actual.Progress);
            Assert.True(e.Rows.Count == actual.Rows.Count, $"{what}: expected {e.Rows.Count} rows, got {actual.Rows.Count}: {Describe(actual)}");
            for (var i = 0; i < e.Rows.Count; i++)
            {
                var (start, key, values) = e.Rows[i];
                var row = actual.Rows[i];
                Assert.Equal((start, start + TimeSpan.FromSeconds(duration).Ticks, key), (row.WindowStartTicks, row.WindowEndTicks, row.Key));
                for (var j = 0; j < values.Length; j++)
                {
                    EventTimeWindowOracleTests.AssertClose(values[j], row.Values[j], $"{what}: {Aggregates[j]} of {Describe(row, Base)}");
                }
            }
        }

        // The data must exercise what the rules are about.
        Assert.Contains(batches, b => b.Count == 0);
        Assert.Contains(expected, e => e.Rows.Count > 0);
        if (delay is not null && mode != WindowOutputMode.Complete)
        {
            Assert.True(expected.Sum(e => e.Progress.NumRowsDroppedByWatermark) > 0, "the data should have late rows");
            Assert.Equal(noDataBatches, expected.Any(e => e.NoData));
        }
        else
        {
            Assert.All(expected, e => Assert.Equal(0, e.Progress.NumRowsDroppedByWatermark));
        }
    }

    /// <summary>500 rows, mostly increasing times with jitter, some far behind, some without time or value, cut into batches of 0-40 rows.</summary>
    private static List<List<(Row Row, int Index)>> RandomBatches(int seed)
    {
        var random = new Random(seed);
        var rows = new List<Row>();
        for (var i = 0; i < 500; i++)
        {
            var r = random.NextDouble();
            double? at = r < 0.03 ? null : Math.Round((i * 0.25) - 30 + ((random.NextDouble() - 0.5) * 12) - (r < 0.07 ? 60 : 0), 3);
            double? value = random.NextDouble() < 0.1 ? null : Math.Round((random.NextDouble() * 50) - 10, 2);
            rows.Add(new Row(at, ((char)('a' + random.Next(3))).ToString(), value));
        }

        var batches = new List<List<(Row, int)>>();
        for (var next = 0; next < rows.Count;)
        {
            var size = random.NextDouble() < 0.15 ? 0 : Math.Min(random.Next(1, 41), rows.Count - next);
            batches.Add([.. Enumerable.Range(next, size).Select(i => (rows[i], i))]);
            next += size;
        }

        return batches;
    }

    /// <summary>Spark's micro-batch rules, brute force: the table holds every row of each window × key.</summary>
    private static List<Expected> Reference(List<List<(Row Row, int Index)>> batches, Query q)
    {
        var d = TimeSpan.FromSeconds(q.Duration).Ticks;
        var s = TimeSpan.FromSeconds(q.Slide).Ticks;
        var origin = Epoch + TimeSpan.FromSeconds(q.Offset).Ticks;
        var complete = q.Mode == WindowOutputMode.Complete;
        var table = new SortedDictionary<(long Start, string Key), List<(Row Row, int Index, long T)>>(ByStartThenKey);
        var result = new List<Expected>();
        long? watermark = null; // W_N: none before the first batch, and always without a delay
        long? maxEvent = null;
        var tableChanged = false;

        List<(long Start, string Key, double?[] Values)> Rows(IEnumerable<(long Start, string Key)> cells) =>
            [.. cells.Select(c => (c.Start, c.Key, EventTimeWindowOracleTests.Aggregate(table[c], c.Start + d)))];

        // The windows final by `w` (end <= w), all for null-as-end-of-input, taken out of the table.
        List<(long Start, string Key, double?[] Values)> TakeFinal(long w)
        {
            var final = table.Keys.Where(c => c.Start + d <= w).ToList();
            var rows = Rows(final);
            foreach (var c in final)
            {
                table.Remove(c);
            }

            return rows;
        }

        void Add(bool noData, bool final, List<(long Start, string Key, double?[] Values)> rows, BatchProgress progress) =>
            result.Add(new Expected(noData, final, watermark ?? long.MinValue, rows, progress));

        BatchProgress NoInput(long id) =>
            new(id, 0, null, null, null, watermark ?? long.MinValue, watermark ?? long.MinValue, table.Count, 0, 0, 0);

        foreach (var batch in batches)
        {
            if (batch.Count == 0 && !q.RunEmptyBatches)
            {
                continue;
            }

            var updated = new SortedSet<(long Start, string Key)>(ByStartThenKey);
            var times = new List<long>();
            long dropped = 0;
            foreach (var (row, index) in batch.Where(x => x.Row.At is not null))
            {
                var t = S(row.At!.Value);
                times.Add(t);
                maxEvent = Math.Max(maxEvent ?? long.MinValue, t);

                // Every start k·slide + origin with start <= t < start + duration, latest first.
                for (var start = origin + (FloorDiv(t - origin, s) * s); start + d > t; start -= s)
                {
                    if (!complete && watermark is { } w && start + d <= w)
                    {
                        dropped++;
                        continue;
                    }

                    var cell = (start, row.Key);
                    if (!table.TryGetValue(cell, out var cellRows))
                    {
                        table[cell] = cellRows = [];
                    }

                    cellRows.Add((row, index, t));
                    updated.Add(cell);
                    tableChanged = true;
                }
            }

            // End of batch N: the mode's rows; append and update evict what W_N made final.
            List<(long Start, string Key, double?[] Values)> rows = q.Mode switch
            {
                WindowOutputMode.Append => watermark is { } wa ? TakeFinal(wa) : [],
                WindowOutputMode.Update => Rows(updated),
                _ => Rows(table.Keys),
            };
            if (q.Mode == WindowOutputMode.Update && watermark is { } wu)
            {
                TakeFinal(wu);
            }

            if (complete)
            {
                tableChanged = false;
            }

            var next = q.Delay is { } delay && maxEvent is { } m ? Math.Max(watermark ?? long.MinValue, m - TimeSpan.FromSeconds(delay).Ticks) : watermark;
            long? avg = times.Count == 0 ? null : Base + FloorDiv(times.Sum(t => t - Base), times.Count);
            var progress = new BatchProgress(
                result.Count, batch.Count, times.Count == 0 ? null : times.Min(), times.Count == 0 ? null : times.Max(), avg,
                watermark ?? long.MinValue, next ?? long.MinValue, table.Count, updated.Count, dropped, batch.Count - times.Count);
            Add(false, false, rows, progress);

            var moved = next is { } n && (watermark is null || n > watermark);
            watermark = next;
            if (moved && q.NoDataBatches && !complete)
            {
                // The no-data batch N + 1 with W_{N+1}: evicts (append: emits) what it made final.
                var final = TakeFinal(watermark!.Value);
                Add(true, false, q.Mode == WindowOutputMode.Append ? final : [], NoInput(result.Count));
            }
        }

        if (q.AtEnd == EndOfInput.Flush)
        {
            // Every window final: append emits the rest, update evicts it, complete shows the table if it changed.
            List<(long Start, string Key, double?[] Values)> rows = q.Mode switch
            {
                WindowOutputMode.Append => TakeFinal(long.MaxValue),
                WindowOutputMode.Update => [],
                _ => tableChanged ? Rows(table.Keys) : [],
            };
            if (q.Mode == WindowOutputMode.Update)
            {
                table.Clear();
            }

            Add(false, true, rows, NoInput(result.Count));
        }

        return result;
    }

    private static long FloorDiv(long a, long b) => (a / b) - ((a % b != 0 && (a < 0) != (b < 0)) ? 1 : 0);
}

using System.Reactive;
using System.Reactive.Subjects;
using Reactive.Operators.Windows;
using Reactive.Testing;
using static Reactive.Operators.Tests.Windows.WindowTestData;
using static Reactive.Testing.ReactiveTest;

namespace Reactive.Operators.Tests.Windows;

/// <summary>
/// Update and complete modes on random rows against the brute-force table of
/// <see cref="EventTimeWindowOracleTests.BruteForce"/> recomputed at each trigger: complete mode shows the whole
/// table whenever a row counted somewhere since the previous trigger; update mode shows the rows whose count
/// changed since then (windows that became final in between included).
/// </summary>
public sealed class EventTimeWindowModeOracleTests
{
    [Theory]
    [InlineData(WindowOutputMode.Update, 11, 10, 3, 4, 1)]
    [InlineData(WindowOutputMode.Update, 12, 6, 6, 0, 0)]
    [InlineData(WindowOutputMode.Complete, 13, 10, 4, 3, -2)]
    [InlineData(WindowOutputMode.Complete, 14, 5, 5, 2, 0)]
    public void WindowByEventTime_RandomRowsEveryRowTrigger_MatchesBruteForceTableAfterEachRow(
        WindowOutputMode mode, int seed, double duration, double slide, double delay, double offset)
    {
        var rows = RandomRows(seed);
        var options = Options(duration, slide, mode, delay, EventTimeWindowOracleTests.AllAggregates);
        options.StartOffset = TimeSpan.FromSeconds(offset);
        var stats = options.Stats = new WindowStats();
        var updates = new List<WindowUpdate<string>>();
        var completed = false;
        using var subject = new Subject<Row>();
        using var subscription = subject.WindowByEventTime(options).Subscribe(updates.Add, _ => Assert.Fail("error"), () => completed = true);
        foreach (var row in rows)
        {
            subject.OnNext(row);
        }

        subject.OnCompleted();
        Assert.True(completed);

        // A trigger after every row, so the completion has nothing left to show.
        var expected = Expected(mode, rows, Enumerable.Range(1, rows.Count), duration, slide, delay, offset);
        AssertBatches(mode, expected, updates);
        if (mode == WindowOutputMode.Complete)
        {
            // Complete mode keeps every window and takes every row in (Spark): none late, though the watermark passed some.
            Assert.Equal(0, stats.LateRows);
            Assert.True(EventTimeWindowOracleTests.BruteForce(rows, duration, slide, delay, offset).Late > 0, "the data should have rows behind the watermark");
        }
        else
        {
            Assert.True(stats.LateRows > 0, "the data should exercise late rows");
        }
    }

    [Theory]
    [InlineData(WindowOutputMode.Update, 21, 10, 3, 4, 1)]
    [InlineData(WindowOutputMode.Update, 22, 5, 5, 0, 0)]
    [InlineData(WindowOutputMode.Complete, 23, 10, 4, 3, -2)]
    public void WindowByEventTime_RandomRowsIntervalTrigger_MatchesBruteForceTableAtEachTrigger(
        WindowOutputMode mode, int seed, double duration, double slide, double delay, double offset)
    {
        // Row i arrives at 201 + 7·i ticks (the last at 2994), triggers every 50 ticks from the subscription at 200,
        // completion at 2996, before the trigger at 3000.
        const long Completion = 2996;
        var rows = RandomRows(seed);
        var scheduler = new TestScheduler();
        var xs = scheduler.CreateHotObservable([.. rows.Select((r, i) => OnNext(201 + (7 * i), r)), OnCompleted<Row>(Completion)]);
        var options = Options(duration, slide, mode, delay, EventTimeWindowOracleTests.AllAggregates);
        options.StartOffset = TimeSpan.FromSeconds(offset);
        options.TriggerInterval = TimeSpan.FromTicks(50);
        options.Scheduler = scheduler;

        var res = scheduler.Start(() => xs.WindowByEventTime(options), Created, Subscribed, 10_000);

        // The trigger at 200 + 50·k sees the rows with 201 + 7·i <= 200 + 50·k (a row at the trigger's tick comes
        // first): (50·k − 1) / 7 + 1 of them. The completion sees all 400.
        var cuts = Enumerable.Range(1, 55).Select(k => (((50 * k) - 1) / 7) + 1).Append(rows.Count).ToList();
        var expected = Expected(mode, rows, cuts, duration, slide, delay, offset);
        Assert.Equal(NotificationKind.OnCompleted, res.Messages[^1].Value.Kind);
        Assert.Equal(Completion, res.Messages[^1].Time);
        AssertBatches(mode, expected, [.. res.Messages.SkipLast(1).Select(m => m.Value.Value)]);
    }

    internal static List<Row> RandomRows(int seed)
    {
        var random = new Random(seed);
        var rows = new List<Row>();
        for (var i = 0; i < 400; i++)
        {
            // Mostly increasing times with jitter (out of order inside and beyond the delay), a few without a time.
            double? at = i > 0 && random.NextDouble() < 0.03 ? null : Math.Round((i * 0.25) - 30 + ((random.NextDouble() - 0.5) * 12), 3);
            double? value = random.NextDouble() < 0.1 ? null : Math.Round((random.NextDouble() * 50) - 10, 2);
            rows.Add(new Row(at, ((char)('a' + random.Next(3))).ToString(), value));
        }

        return rows;
    }

    // The batches due at the cuts (numbers of rows seen at each trigger, ascending).
    private static List<List<(long Start, string Key, double?[] Values)>> Expected(
        WindowOutputMode mode, List<Row> rows, IEnumerable<int> cuts, double duration, double slide, double delay, double offset)
    {
        var batches = new List<List<(long Start, string Key, double?[] Values)>>();
        var previous = new Dictionary<(long, string), double?>();
        var seen = 0;
        foreach (var cut in cuts)
        {
            if (cut == seen || rows.Take(cut).All(r => r.At is null))
            {
                continue;
            }

            seen = cut;
            // Complete mode takes every row, however far behind the watermark: the reference with no lateness.
            var (table, _) = EventTimeWindowOracleTests.BruteForce(rows.GetRange(0, cut), duration, slide, mode == WindowOutputMode.Complete ? 1e9 : delay, offset);

            // Column 0 is count (rows, nulls included): it grows in every window and key a row counted in.
            var touched = table.Where(r => !previous.TryGetValue((r.Start, r.Key), out var count) || count != r.Values[0]).ToList();
            if (touched.Count > 0)
            {
                batches.Add(mode == WindowOutputMode.Complete ? table : touched);
            }

            previous = table.ToDictionary(r => (r.Start, r.Key), r => r.Values[0]);
        }

        return batches;
    }

    private static void AssertBatches(WindowOutputMode mode, List<List<(long Start, string Key, double?[] Values)>> expected, List<WindowUpdate<string>> updates)
    {
        Assert.Equal(expected.Count, updates.Count);
        for (var b = 0; b < expected.Count; b++)
        {
            Assert.Equal(b, updates[b].BatchId);
            Assert.Equal(mode, updates[b].Mode);
            Assert.Equal(expected[b].Count, updates[b].Rows.Count);
            for (var i = 0; i < expected[b].Count; i++)
            {
                var (start, key, values) = expected[b][i];
                var actual = updates[b].Rows[i];
                Assert.Equal((start, key), (actual.WindowStartTicks, actual.Key));
                for (var j = 0; j < values.Length; j++)
                {
                    EventTimeWindowOracleTests.AssertClose(values[j], actual.Values[j], $"batch {b}: {EventTimeWindowOracleTests.AllAggregates[j]} of {Describe(actual, Base)}");
                }
            }
        }

        Assert.True(expected.Count > 10, "the data should give many batches");
    }
}

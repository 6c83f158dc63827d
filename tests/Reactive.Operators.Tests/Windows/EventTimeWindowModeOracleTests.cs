using System.Reactive.Subjects;
using Reactive.Operators.Windows;
using static Reactive.Operators.Tests.Windows.WindowTestData;

namespace Reactive.Operators.Tests.Windows;

/// <summary>
/// Update and complete modes, triggered after every row, on random rows against the brute-force table of
/// <see cref="EventTimeWindowOracleTests.BruteForce"/> recomputed after each row: complete mode shows the whole
/// table whenever a row counted somewhere; update mode shows the rows whose count changed with that row.
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
        var random = new Random(seed);
        var rows = new List<Row>();
        for (var i = 0; i < 400; i++)
        {
            double? at = i > 0 && random.NextDouble() < 0.03 ? null : Math.Round((i * 0.25) - 30 + ((random.NextDouble() - 0.5) * 12), 3);
            double? value = random.NextDouble() < 0.1 ? null : Math.Round((random.NextDouble() * 50) - 10, 2);
            rows.Add(new Row(at, ((char)('a' + random.Next(3))).ToString(), value));
        }

        var options = Options(duration, slide, mode, delay, EventTimeWindowOracleTests.AllAggregates);
        options.StartOffset = TimeSpan.FromSeconds(offset);
        var stats = options.Stats = new WindowStats();
        var updates = new List<WindowUpdate<string>>();
        var completed = false;
        using var subject = new Subject<Row>();
        using var subscription = subject.WindowByEventTime(options).Subscribe(updates.Add, _ => Assert.Fail("error"), () => completed = true);

        var expected = new List<List<(long Start, string Key, double?[] Values)>>();
        var previous = new Dictionary<(long, string), double?>();
        for (var n = 1; n <= rows.Count; n++)
        {
            subject.OnNext(rows[n - 1]);
            var (table, _) = EventTimeWindowOracleTests.BruteForce(rows.GetRange(0, n), duration, slide, delay, offset);

            // Column 0 is count (rows, nulls included): it grows in every window and key the row counted in.
            var touched = table.Where(r => !previous.TryGetValue((r.Start, r.Key), out var count) || count != r.Values[0]).ToList();
            if (touched.Count > 0)
            {
                expected.Add(mode == WindowOutputMode.Complete ? table : touched);
            }

            previous = table.ToDictionary(r => (r.Start, r.Key), r => r.Values[0]);
        }

        subject.OnCompleted();
        Assert.True(completed);

        // Every row triggered its own output, so the completion has nothing left to show.
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

        Assert.True(stats.LateRows > 0, "the data should exercise late rows");
    }
}

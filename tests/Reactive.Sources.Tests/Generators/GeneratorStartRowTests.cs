using System.Diagnostics;
using System.Reactive.Concurrency;
using Reactive.Sources.Generators;
using Xunit.Abstractions;

namespace Reactive.Sources.Tests.Generators;

/// <summary><c>StartRow</c> of the three generators: the uninterrupted output from that row on.</summary>
public sealed class GeneratorStartRowTests(ITestOutputHelper output)
{
    private const long Rows = 500;
    private static readonly DateTimeOffset Start = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static TheoryData<string> Generators => ["bbo", "hourly", "bitcoin"];

    /// <summary>One generator behind one shape: lines (header included), the live source, and whether it writes a header.</summary>
    private static (Func<long, long, IEnumerable<GeneratedLine>> Generate, Func<long, long, IScheduler, GeneratorPacing, IObservable<string>> Observe, bool HasHeader) Of(string name) => name switch
    {
        "bbo" => (
            (rows, startRow) => BboQuoteGenerator.Generate(new() { Rows = rows, StartRow = startRow, Symbols = ["AAA", "BB"] }),
            (rows, startRow, scheduler, pacing) => BboQuoteGenerator.Observe(new() { Rows = rows, StartRow = startRow, Symbols = ["AAA", "BB"] }, scheduler, pacing),
            true),
        "hourly" => (
            (rows, startRow) => HourlyPriceGenerator.Generate(new() { Rows = rows, StartRow = startRow }),
            (rows, startRow, scheduler, pacing) => HourlyPriceGenerator.Observe(new() { Rows = rows, StartRow = startRow }, scheduler, pacing),
            true),
        _ => (
            (rows, startRow) => BitcoinRateGenerator.Generate(new() { Rows = rows, StartRow = startRow }),
            (rows, startRow, scheduler, pacing) => BitcoinRateGenerator.Observe(new() { Rows = rows, StartRow = startRow }, scheduler, pacing),
            false),
    };

    // The uninterrupted lines from row k on: the header (before row 0) only from row 0.
    private static IEnumerable<T> From<T>(IEnumerable<T> whole, long k, bool hasHeader) =>
        whole.Skip((int)(k == 0 || !hasHeader ? k : k + 1));

    private static List<(TimeSpan At, string Text)> Live(Func<IScheduler, IObservable<string>> lines, out bool completed)
    {
        var scheduler = new HistoricalScheduler(Start);
        var seen = new List<(TimeSpan, string)>();
        bool done = false;
        using (lines(scheduler).Subscribe(line => seen.Add((scheduler.Now - Start, line)), () => done = true))
        {
            scheduler.Start();
        }

        completed = done;
        return seen;
    }

    [Theory]
    [MemberData(nameof(Generators))]
    public void Generate_StartRow_IsTheUninterruptedOutputFromThatRow(string name)
    {
        var (generate, _, hasHeader) = Of(name);
        var whole = generate(Rows, 0).ToList();
        Assert.Equal(Rows + (hasHeader ? 1 : 0), whole.Count);

        foreach (long k in new long[] { 0, 1, 2, Rows / 2, Rows - 1, Rows })
        {
            Assert.Equal(From(whole, k, hasHeader), generate(Rows, k));
        }
    }

    [Theory]
    [MemberData(nameof(Generators))]
    public void Observe_StartRow_SameLinesFirstAtOnceThenTheUninterruptedSpacing(string name)
    {
        var (_, observe, hasHeader) = Of(name);
        // 4 divides every gap into whole ticks, so the shifted due times are exact.
        var pacing = new GeneratorPacing { Speed = 4 };
        var whole = Live(scheduler => observe(Rows, 0, scheduler, pacing), out _);

        foreach (long k in new long[] { 0, 1, Rows / 2, Rows - 1 })
        {
            var expected = From(whole, k, hasHeader).ToList();
            var shift = expected[0].At;
            var resumed = Live(scheduler => observe(Rows, k, scheduler, pacing), out bool completed);

            Assert.True(completed);
            Assert.Equal(expected.Select(e => (e.At - shift, e.Text)), resumed);
        }
    }

    [Theory]
    [MemberData(nameof(Generators))]
    public void Observe_StartRowEqualToRows_NothingAndCompletes(string name)
    {
        var (_, observe, _) = Of(name);

        var seen = Live(scheduler => observe(Rows, Rows, scheduler, new GeneratorPacing()), out bool completed);

        Assert.Empty(seen);
        Assert.True(completed);
    }

    [Theory]
    [MemberData(nameof(Generators))]
    public void Validate_StartRowNegativeOrPastRows_NamesStartRow(string name)
    {
        var (generate, _, _) = Of(name);

        Assert.Equal("StartRow", Assert.Throws<ArgumentException>(() => generate(Rows, -1)).ParamName);
        Assert.Equal("StartRow", Assert.Throws<ArgumentException>(() => generate(Rows, Rows + 1)).ParamName);
    }

    [Theory]
    [MemberData(nameof(Generators))]
    public void Observe_SkippingAMillionRows_IsFast(string name)
    {
        const long Skip = 1_000_000;
        var (generate, observe, _) = Of(name);
        var stopwatch = Stopwatch.StartNew();

        var seen = Live(scheduler => observe(Skip + 2, Skip, scheduler, new GeneratorPacing()), out bool completed);

        stopwatch.Stop();
        output.WriteLine($"{name}: skipping {Skip:N0} rows took {stopwatch.Elapsed.TotalMilliseconds:0} ms.");
        Assert.True(completed);
        Assert.Equal(generate(Skip + 2, 0).TakeLast(2).Select(l => l.Text), seen.Select(s => s.Text));
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(30), $"{stopwatch.Elapsed}");
    }
}

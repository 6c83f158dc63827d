using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using BenchmarkDotNet.Running;
using Reactive.Bench;

// dotnet run -c Release --project bench/Reactive.Bench -- --quick   (default; ~1-2 min)
// dotnet run -c Release --project bench/Reactive.Bench -- --check   (tiny sizes, a few seconds; smoke test)
// dotnet run -c Release --project bench/Reactive.Bench -- --profile (stage-by-stage cost of the product pipelines)
// dotnet run -c Release --project bench/Reactive.Bench -- --checkpoint [--checkpoint-dir DIR] (the aggregate with and without a checkpoint per batch)
// dotnet run -c Release --project bench/Reactive.Bench -- --kinesis [--shards N] [--records N] [--reps N] (kinesalite read by KinesisLineSource vs the node AWS SDK; needs npm ci)
// dotnet run -c Release --project bench/Reactive.Bench -- --live [--live-seconds N] [--rates 10000,100000] [--ladder ...] (the real service under load; --check: a few seconds)
// dotnet run -c Release --project bench/Reactive.Bench -- --live --aggregate-only [--ladder ...] (the rate ladder with the spread's own results only: per second and per minute)
// dotnet run -c Release --project bench/Reactive.Bench -- --live --feed-only [--ladder ...] (the load generator alone, into a reader that discards)
// dotnet run -c Release --project bench/Reactive.Bench -- --live --floor [--rates ...] [--feed-tick-us N] (the measurement's floor: the feed and reader with ncat relaying, no service)
// dotnet run -c Release --project bench/Reactive.Bench -- --live --rounds N [--rates 100000] [--console-only] [--feed-tick-us N] [--live-warmup-seconds 30] (the service and the floor in alternating order, N rounds, with a summary)
// dotnet run -c Release --project bench/Reactive.Bench -- --soak [--soak-seconds N] [--soak-rate N] (RSS, heap, GC, threads of the service under load)
// dotnet run -c Release --project bench/Reactive.Bench -- --bdn [BenchmarkDotNet args]
// dotnet run -c Release --project bench/Reactive.Bench -- --loop a|b|anomaly-a|anomaly-b (one case 60 times, for perf record)
if (args.Length > 0 && args[0] == "--bdn")
{
    BenchmarkSwitcher.FromAssembly(typeof(Harness).Assembly).Run(args[1..]);
    return 0;
}

string[] known = ["--quick", "--check", "--profile", "--checkpoint", "--loop", "--quotes", "--series", "--rows", "--reps", "--naive-reps", "--warmup-ms", "--batches", "--checkpoint-dir", "--kinesis", "--shards", "--records", "--live", "--live-seconds", "--rates", "--ladder", "--soak", "--soak-seconds", "--soak-rate", "--aggregate-only", "--feed-only", "--floor", "--console-only", "--bench-nice", "--feed-tick-us", "--live-warmup-seconds", "--rounds", "--trace-gc"];
foreach (var arg in args)
{
    if (arg.StartsWith("--", StringComparison.Ordinal) && !known.Contains(arg))
    {
        Console.Error.WriteLine($"Unknown option {arg}. Options: --quick (default) | --check | --profile | --checkpoint | --kinesis [--shards N --records N --reps N] | --live [--check] [--live-seconds N --rates A,B --ladder A,B,… --console-only --bench-nice N --feed-tick-us N --live-warmup-seconds S --rounds N --trace-gc] [--aggregate-only | --feed-only | --floor] | --soak [--soak-seconds N --soak-rate N] | --loop a|b|anomaly-a|anomaly-b | --bdn [BenchmarkDotNet args]; sizes: --quotes N --series N --rows N --reps N --naive-reps N --warmup-ms N --batches N; --checkpoint-dir DIR (default: the temp directory)");
        return 2;
    }
}

if (args.Contains("--kinesis"))
{
    return await KinesisBench.RunAsync((int)ArgValue(args, "--shards", 4), (int)ArgValue(args, "--records", 200_000), (int)ArgValue(args, "--reps", 3)) ? 0 : 1;
}

var check = args.Contains("--check");
if (args.Contains("--live"))
{
    LiveBench.TraceGc = args.Contains("--trace-gc");
    if (args.Contains("--feed-only"))
    {
        return await LiveBench.FeedOnlyAsync(Rates(args, "--ladder", [1_000_000, 2_000_000, 4_000_000, 0]), ArgValue(args, "--live-seconds", 5)) ? 0 : 1;
    }

    if (args.Contains("--floor"))
    {
        return await LiveBench.FloorAsync(Rates(args, "--rates", [10_000, 100_000]), ArgValue(args, "--live-seconds", 10), (int)ArgValue(args, "--feed-tick-us", 0)) ? 0 : 1;
    }

    if (args.Contains("--rounds") && !check)
    {
        return await LiveBench.RoundsAsync((int)ArgValue(args, "--rounds", 3), Rates(args, "--rates", [100_000]), ArgValue(args, "--live-seconds", 10), args.Contains("--console-only"), (int)ArgValue(args, "--bench-nice", 0), (int)ArgValue(args, "--feed-tick-us", 0), ArgValue(args, "--live-warmup-seconds", 30)) ? 0 : 1;
    }

    if (args.Contains("--aggregate-only"))
    {
        return await LiveBench.AggregateLadderAsync(Rates(args, "--ladder", [100_000, 200_000, 500_000, 1_000_000, 1_500_000, 2_000_000]), ArgValue(args, "--live-seconds", 10)) ? 0 : 1;
    }

    return await LiveBench.RunAsync(check, Rates(args, "--rates", [10_000, 100_000]), ArgValue(args, "--live-seconds", 20), Rates(args, "--ladder", [20_000, 50_000, 100_000, 200_000, 500_000, 1_000_000, 2_000_000]), args.Contains("--console-only"), (int)ArgValue(args, "--bench-nice", 0), (int)ArgValue(args, "--feed-tick-us", 0), ArgValue(args, "--live-warmup-seconds", 5)) ? 0 : 1;
}

if (args.Contains("--soak"))
{
    return await LiveBench.SoakAsync(ArgValue(args, "--soak-rate", 100_000), (int)ArgValue(args, "--soak-seconds", 600)) ? 0 : 1;
}

var settings = check
    ? new Settings(Quotes: 20_000, Series: 4, RowsPerSeries: 2_000, Warmups: 1, WarmupSeconds: 0, Repetitions: 1, NaiveRepetitions: 1)
    : new Settings(Quotes: ArgValue(args, "--quotes", 1_000_000), Series: (int)ArgValue(args, "--series", 200), RowsPerSeries: ArgValue(args, "--rows", 10_000), Warmups: 1, WarmupSeconds: ArgValue(args, "--warmup-ms", 1500) / 1000.0, Repetitions: (int)ArgValue(args, "--reps", 9), NaiveRepetitions: (int)ArgValue(args, "--naive-reps", 3));

if (Array.IndexOf(args, "--loop") is var loopAt and >= 0)
{
    // One case over and over, for a sampling profiler: DOTNET_PerfMapEnabled=1 perf record -e cpu-clock ... -- --loop a
    var which = loopAt + 1 < args.Length ? args[loopAt + 1] : "a";
    Func<long>? loopCase = null;
    long loopItems = 0;
    if (which is "a" or "b")
    {
        var bytes = SpreadCases.Generate(settings.Quotes);
        loopItems = settings.Quotes;
        loopCase = which == "a" ? () => SpreadCases.Product(bytes).Seconds : () => SpreadCases.HandLoop(bytes).Seconds;
    }
    else if (which is "anomaly-a" or "anomaly-b")
    {
        var files = AnomalyCases.Generate(settings.Series, settings.RowsPerSeries);
        loopItems = settings.Series * settings.RowsPerSeries;
        loopCase = which == "anomaly-a" ? () => AnomalyCases.Product(files).SumBaseline : () => AnomalyCases.HandLoop(files).SumBaseline;
    }

    if (loopCase is null)
    {
        Console.Error.WriteLine($"--loop takes a, b (the spread cases), anomaly-a or anomaly-b, not {which}");
        return 2;
    }

    for (var i = 0; i < 10; i++)
    {
        loopCase();
    }

    var loopClock = Stopwatch.StartNew();
    for (var i = 0; i < 50; i++)
    {
        loopCase();
    }

    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{which}: {loopClock.Elapsed.TotalNanoseconds / 50 / loopItems:F1} ns/item (mean of 50 runs after 10)"));
    return 0;
}

if (args.Contains("--profile"))
{
    Profile.Run(settings);
    return 0;
}

// --checkpoint writes where the service would: a real disk by default (the temp directory), so fsync costs what it
// costs. --check proves correctness, not cost: in memory (/dev/shm) where there is one, as fsyncs on a busy disk take seconds.
var checkpointRoot = Array.IndexOf(args, "--checkpoint-dir") is var dirAt and >= 0 && dirAt + 1 < args.Length ? args[dirAt + 1] : null;
if (args.Contains("--checkpoint"))
{
    return CheckpointBench.Run(checkpointRoot ?? Path.GetTempPath(), (int)ArgValue(args, "--batches", 40), (int)ArgValue(args, "--reps", 5), ArgValue(args, "--warmup-ms", 1000) / 1000.0) ? 0 : 1;
}

return Runner.Run(settings, check) && (!check || CheckpointBench.Check(checkpointRoot ?? (Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath()))) ? 0 : 1;

static double[] Rates(string[] args, string name, double[] fallback)
{
    var i = Array.IndexOf(args, name);
    // "none": no rate (--rates none --ladder …: the ladder alone).
    return i >= 0 && i + 1 < args.Length
        ? args[i + 1] == "none" ? [] : [.. args[i + 1].Split(',').Select(r => double.Parse(r, CultureInfo.InvariantCulture))]
        : fallback;
}

static long ArgValue(string[] args, string name, long fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? long.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
}

namespace Reactive.Bench
{
    internal sealed record Settings(long Quotes, int Series, long RowsPerSeries, int Warmups, double WarmupSeconds, int Repetitions, int NaiveRepetitions);

    internal static class Runner
    {
        public static bool Run(Settings s, bool check)
        {
            var total = Stopwatch.StartNew();
            Console.WriteLine($"Reactive.Bench ({(check ? "--check" : "--quick")}): .NET {Environment.Version}, {Environment.ProcessorCount} cores, " +
                $"{(GCSettings.IsServerGC ? "server" : "workstation")} GC, latency {GCSettings.LatencyMode}; median of {s.Repetitions} (naive Rx: {s.NaiveRepetitions}) after {s.Warmups} warm-up run(s) and at least {s.WarmupSeconds:0.#} s of them; the cases of a comparison interleaved");

            // ---------------- Spread ----------------
            var clock = Stopwatch.StartNew();
            var bbo = SpreadCases.Generate(s.Quotes);
            Console.WriteLine($"\nSpread: {s.Quotes:N0} BBO quotes generated (seed {SpreadCases.Seed}), {bbo.Length / 1e6:F1} MB, in {clock.Elapsed.TotalSeconds:F1} s");

            var a = SpreadCases.Product(bbo);
            var aRx = SpreadCases.ProductRx(bbo);
            var aSymbols = SpreadCases.ProductRxPerSymbol(bbo);
            var b = SpreadCases.HandLoop(bbo);
            var c = SpreadCases.NaiveRx(bbo);
            Console.WriteLine($"  (a) product : {a}");
            Console.WriteLine($"  (b) hand    : {b}");
            Console.WriteLine($"  (c) naive Rx: {c}");
            if (a.SecondQuotes != s.Quotes || !a.SameExactly(b) || !a.SameExactly(aRx) || !a.SameExactly(aSymbols) || !a.SameWithin(c, 1e-9))
            {
                Console.Error.WriteLine("CHECKSUM MISMATCH (spread): the three implementations disagree; figures would be meaningless.");
                Console.Error.WriteLine($"  a==b exactly: {a.SameExactly(b)}, a==a(Rx) exactly: {a.SameExactly(aRx)}, a==a(Rx per symbol) exactly: {a.SameExactly(aSymbols)}, a~c (1e-9): {a.SameWithin(c, 1e-9)}");
                return false;
            }

            Console.WriteLine("  checksums: (a) = (b) bit for bit; (a) = (a, Rx operator) bit for bit; (a) ~ (c) within 1e-9 relative (float sum order), counts exact");

            var spread = Harness.MeasureInterleaved(
                s.Warmups,
                s.WarmupSeconds,
                new BenchCase("(a) product: Utf8LineReader → BboParser → SpreadAggregator", s.Quotes, s.Repetitions, () => SpreadCases.Product(bbo)),
                new BenchCase("(a') same, through the Rx Spread(...) operator", s.Quotes, s.Repetitions, () => SpreadCases.ProductRx(bbo)),
                new BenchCase("(a\") as the service: Located rows, Rx GroupBy(symbol), Spread", s.Quotes, s.Repetitions, () => SpreadCases.ProductRxPerSymbol(bbo)),
                new BenchCase("(b) hand-written single pass (ceiling)", s.Quotes, s.Repetitions, () => SpreadCases.HandLoop(bbo)),
                new BenchCase("(c) naive Rx (Split/ParseExact/GroupBy/Aggregate)", s.Quotes, s.NaiveRepetitions, () => SpreadCases.NaiveRx(bbo)));
            var (ma, maRx, maSymbols, mb, mc) = (spread[0], spread[1], spread[2], spread[3], spread[4]);
            PrintTable("quotes", [ma, maRx, maSymbols, mb, mc]);
            Console.WriteLine($"  (a\")/(a') per-symbol GroupBy with positions vs the bare Rx operator: {maSymbols.ItemsPerSecond / maRx.ItemsPerSecond:F3} (throughput ratio; over the 10 % issue 10 allows, kept on purpose: see README.md)");

            var parsed = SpreadCases.Parse(bbo);
            var warm = parsed.Length / 10;
            var aggBytes = SpreadCases.AggregatorSteadyStateBytesPerQuote(parsed, warm, out var aggSink);
            if (!aggSink.SameExactly(a))
            {
                Console.Error.WriteLine("CHECKSUM MISMATCH (spread): the aggregator fed pre-parsed quotes disagrees with (a).");
                return false;
            }

            var (genSecBytes, genSecRows) = SpreadCases.GenericWindowSteadyStateBytesPerQuote(parsed, warm, TimeSpan.FromSeconds(1));
            var (genMinBytes, genMinRows) = SpreadCases.GenericWindowSteadyStateBytesPerQuote(parsed, warm, TimeSpan.FromMinutes(1));
            var measured = parsed.Length - warm;
            Console.WriteLine($"  steady state (after {warm:N0} warm-up quotes, {measured:N0} measured, pre-parsed):");
            Console.WriteLine($"    SpreadAggregator (1 s + 1 min windows)          : {aggBytes,8:F3} B/quote");
            Console.WriteLine($"    WindowByEventTime 1 s tumbling, 6 aggregates     : {genSecBytes,8:F3} B/quote ({genSecRows:N0} result rows = {(double)measured / genSecRows:F2} quotes/row; = {genSecBytes * measured / genSecRows:F0} B per result row)");
            Console.WriteLine($"    WindowByEventTime 1 min tumbling, 6 aggregates   : {genMinBytes,8:F3} B/quote ({genMinRows:N0} result rows = {(double)measured / genMinRows:F0} quotes/row; = {genMinBytes * measured / genMinRows:F0} B per result row)");

            var spreadVsHand = ma.PairedSpeedup(mb);
            var spreadVsNaive = ma.PairedSpeedup(mc);

            // ---------------- Anomaly ----------------
            clock.Restart();
            var files = AnomalyCases.Generate(s.Series, s.RowsPerSeries);
            var rows = (long)s.Series * s.RowsPerSeries;
            Console.WriteLine($"\nAnomaly: {rows:N0} hourly prices = {s.Series} series × {s.RowsPerSeries:N0} h (seeds {AnomalyCases.Seed}+i), {files.Sum(f => (long)f.Data.Length) / 1e6:F1} MB, in {clock.Elapsed.TotalSeconds:F1} s");
            var xa = AnomalyCases.Product(files);
            var xb = AnomalyCases.HandLoop(files);
            var xc = AnomalyCases.NaiveRx(files);
            Console.WriteLine($"  (a) product : {xa}");
            Console.WriteLine($"  (b) hand    : {xb}");
            Console.WriteLine($"  (c) naive Rx: {xc}");
            if (!xa.SameExactly(xb) || !xa.SameWithin(xc, 1e-9) || xa.Statuses.Sum() != rows)
            {
                Console.Error.WriteLine("CHECKSUM MISMATCH (anomaly): the three implementations disagree; figures would be meaningless.");
                return false;
            }

            Console.WriteLine("  checksums: (a) = (b) bit for bit; (a) ~ (c) within 1e-9 relative, verdict counts exact");
            var anomaly = Harness.MeasureInterleaved(
                s.Warmups,
                s.WarmupSeconds,
                new BenchCase("(a) product: Utf8LineReader → HourlyPriceParser → AnomalyDetector", rows, s.Repetitions, () => AnomalyCases.Product(files)),
                new BenchCase("(b) hand-written single pass (ceiling)", rows, s.Repetitions, () => AnomalyCases.HandLoop(files)),
                new BenchCase("(c) naive Rx (Split/Parse/GroupBy/Scan List/LINQ)", rows, s.NaiveRepetitions, () => AnomalyCases.NaiveRx(files)));
            var (na, nb, nc) = (anomaly[0], anomaly[1], anomaly[2]);
            PrintTable("rows", [na, nb, nc]);
            var anomalyVsHand = na.PairedSpeedup(nb);
            var anomalyVsNaive = na.PairedSpeedup(nc);

            // ---------------- Targets ----------------
            Console.WriteLine("\nTargets (issue 3; informational, exit code 0 either way). Ratios are paired by round: the median over the rounds of");
            Console.WriteLine("(b)'s or (c)'s time ÷ (a)'s time in the same round (the tables' last column divides the medians instead):");
            Target("spread  (a) >= 0.8 × (b)", spreadVsHand, ">=", 0.8);
            Target("spread  (a) >= 5 × (c)", spreadVsNaive, ">=", 5);
            Target("anomaly (a) >= 0.8 × (b)", anomalyVsHand, ">=", 0.8);
            Target("anomaly (a) >= 5 × (c)", anomalyVsNaive, ">=", 5);
            Target("window operator steady state < 1 B/quote (SpreadAggregator)", aggBytes, "<", 1);
            Console.WriteLine($"\nTotal {total.Elapsed.TotalSeconds:F1} s");
            return true;
        }

        private static void PrintTable(string unit, Measurement[] rows)
        {
            var baseline = rows[0];
            Console.WriteLine($"  | case | {unit}/s (median) | min–max s | B/{unit[..^1]} | (a) ÷ case |");
            Console.WriteLine("  |---|---:|---:|---:|---:|");
            foreach (var m in rows)
            {
                Console.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"  | {m.Name} | {m.ItemsPerSecond / 1e6,7:F2} M | {m.MinSeconds:F3}–{m.MaxSeconds:F3} | {m.BytesPerItem,8:F1} | {baseline.ItemsPerSecond / m.ItemsPerSecond,6:F2} |"));
            }
        }

        private static void Target(string name, double value, string op, double goal)
        {
            var pass = op == ">=" ? value >= goal : value < goal;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {(pass ? "PASS" : "MISS")}  {name}: {value:F3} (target {op} {goal})"));
        }
    }
}

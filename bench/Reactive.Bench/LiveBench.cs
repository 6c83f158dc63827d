using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using HdrHistogram;

namespace Reactive.Bench;

/// <summary>
/// <c>--live</c>: the real service under load. Latency from a quote line leaving <see cref="QuoteFeed"/> to its per-quote
/// result on the service's standard output (the console sink, written just before the same row goes to the table), at fixed
/// rates, into HdrHistograms; the highest rate the spread pipeline with a table sink sustains; <c>--soak</c>: memory, GC
/// and threads over minutes with the default pipelines beside it.
/// </summary>
internal static class LiveBench
{
    private static readonly byte[] TimestampKey = Encoding.ASCII.GetBytes("\"timestamp\":\"");

    public static async Task<bool> RunAsync(bool check, double[] latencyRates, double seconds, double[] ladder, bool consoleOnly = false, int benchNice = 0, int feedTickMicroseconds = 0, double warmupSeconds = 5)
    {
        Console.WriteLine($"Live service: .NET {Environment.Version}, {Environment.ProcessorCount} cores, load average {ServiceProcess.LoadAverage()} at the start");
        if (check)
        {
            // A smoke test: a tiny rate for 2 s, with the GC trace (--trace-gc); every quote must come back once. Then one round
            // against the floor (ncat), console only.
            var traced = TraceGc;
            TraceGc = true;
            var smoke = await LatencyAsync(2_000, warmupSeconds: 0.5, seconds: 2).ConfigureAwait(false);
            TraceGc = traced;
            return smoke is not null
                && await RoundsAsync(1, [2_000], seconds: 2, consoleOnly: true, benchNice: 0, feedTickMicroseconds: 100, warmupSeconds: 0.5).ConfigureAwait(false);
        }

        var ok = true;
        foreach (var rate in latencyRates)
        {
            ok &= await LatencyAsync(rate, warmupSeconds, seconds, table: !consoleOnly, benchNice, feedTickMicroseconds).ConfigureAwait(false) is not null;
        }

        // --ladder 0 or none: the latency runs alone (a rate of 0 would only print a row of zeros).
        ladder = [.. ladder.Where(rate => rate > 0)];
        if (ladder.Length == 0)
        {
            return ok;
        }

        var sustained = await ThroughputAsync(ladder, seconds).ConfigureAwait(false);
        if (sustained > 0 && !latencyRates.Contains(sustained))
        {
            Console.WriteLine($"\nLatency at the highest sustained rate ({sustained:N0}/s, table sink only) with the console sink added:");
            ok &= await LatencyAsync(sustained, warmupSeconds, seconds).ConfigureAwait(false) is not null;
        }

        return ok;
    }

    /// <summary>
    /// <c>--live --rounds N</c>: the latency at each rate in <paramref name="rounds"/> rounds, each a run of the floor
    /// (<see cref="FloorRunAsync"/>: ncat in the service's place) and a run of the service, the floor first in odd rounds
    /// and second in even ones (the first run of a pair tends to be the better one on this VM); then a summary per rate:
    /// each round's p99 of both, how many of the service's are under 1 ms, the medians, and the stalls' time against the
    /// floor's. The floor, measured beside the service in the same minutes, is the baseline: what the machine alone takes.
    /// </summary>
    public static async Task<bool> RoundsAsync(int rounds, double[] rates, double seconds, bool consoleOnly, int benchNice, int feedTickMicroseconds, double warmupSeconds)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Live service against the floor, {rounds} round{(rounds == 1 ? string.Empty : "s")}: .NET {Environment.Version}, {Environment.ProcessorCount} cores, load average {ServiceProcess.LoadAverage()} at the start"));
        var ok = true;
        var floor = rates.ToDictionary(r => r, _ => new List<RunFigures>());
        var service = rates.ToDictionary(r => r, _ => new List<RunFigures>());
        for (var round = 1; round <= rounds; round++)
        {
            foreach (var rate in rates)
            {
                var floorFirst = round % 2 == 1;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"\n— round {round} of {rounds}, {rate:N0} quotes/s: {(floorFirst ? "floor, then service" : "service, then floor")}"));
                for (var run = 0; run < 2; run++)
                {
                    var isFloor = (run == 0) == floorFirst;
                    var figures = isFloor
                        ? await FloorRunAsync(rate, seconds, feedTickMicroseconds).ConfigureAwait(false)
                        : await LatencyAsync(rate, warmupSeconds, seconds, table: !consoleOnly, benchNice, feedTickMicroseconds).ConfigureAwait(false);
                    if (figures is { } got)
                    {
                        (isFloor ? floor : service)[rate].Add(got);
                    }
                    else
                    {
                        ok = false;
                    }
                }
            }
        }

        Console.WriteLine($"\nSummary ({(consoleOnly ? "console only" : "console + table")}, {seconds:0.#} s recorded per run, the service after {warmupSeconds:0.#} s of warm-up; corrected p99, stalls = milliseconds whose worst quote took over 1 ms):");
        foreach (var rate in rates)
        {
            Console.WriteLine(RoundsSummary(rate, service[rate], floor[rate]));
        }

        return ok;
    }

    /// <summary>One rate's line of the rounds' summary (a dash for a figure no run gave: every run lost quotes).</summary>
    internal static string RoundsSummary(double rate, IReadOnlyList<RunFigures> service, IReadOnlyList<RunFigures> floor)
    {
        const long OneMs = 1_000_000;
        static string P99s(IReadOnlyList<RunFigures> runs) => runs.Count == 0 ? "—" : string.Join(", ", runs.Select(r => Ms(r.P99))) + " ms";
        static double Median(IEnumerable<double> values)
        {
            var sorted = values.Order().ToList();
            return sorted.Count == 0 ? double.NaN : sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
        }

        static string MedianMs(IReadOnlyList<RunFigures> runs) => runs.Count == 0 ? "—" : Ms((long)Median(runs.Select(r => (double)r.P99))) + " ms";
        static string Stalls(IReadOnlyList<RunFigures> runs) => runs.Count == 0
            ? "—"
            : string.Create(CultureInfo.InvariantCulture, $"{Median(runs.Select(r => (double)r.StallMs)):0} ms in {Median(runs.Select(r => (double)r.Stalls)):0}");

        var ratio = service.Count == 0 || floor.Count == 0
            ? "—"
            : (Median(service.Select(r => (double)r.P99)) / Median(floor.Select(r => (double)r.P99))).ToString("F1", CultureInfo.InvariantCulture);
        return string.Create(CultureInfo.InvariantCulture,
            $"  {rate:N0} quotes/s: service p99 {P99s(service)} — under 1 ms in {service.Count(r => r.P99 < OneMs)} of {service.Count}, median {MedianMs(service)}; " +
            $"floor p99 {P99s(floor)}, median {MedianMs(floor)}; median ratio service/floor {ratio}; " +
            $"stalls (median) service {Stalls(service)}, floor {Stalls(floor)}");
    }

    /// <summary>
    /// <c>--live --floor</c>: the measurement's own floor on this machine — the same feed, pipe and reader, with Debian's
    /// <c>ncat</c> in the service's place (it connects to the feed and copies each quote line to its standard output, doing
    /// no work per quote). Quote n is the n-th line after the header (TCP and the pipe keep the order).
    /// </summary>
    public static async Task<bool> FloorAsync(double[] rates, double seconds, int feedTickMicroseconds = 0)
    {
        Console.WriteLine($"Measurement floor (ncat relays the feed to the reader): .NET {Environment.Version}, {Environment.ProcessorCount} cores, load average {ServiceProcess.LoadAverage()} at the start");
        var ok = true;
        foreach (var rate in rates)
        {
            ok &= await FloorRunAsync(rate, seconds, feedTickMicroseconds).ConfigureAwait(false) is not null;
        }

        return ok;
    }

    /// <summary>One floor run at one rate (2 s of warm-up, then <paramref name="seconds"/> recorded); null when lines were lost.</summary>
    private static async Task<RunFigures?> FloorRunAsync(double rate, double seconds, int feedTickMicroseconds)
    {
        const double WarmupSeconds = 2;
        var warm = (long)(rate * WarmupSeconds);
        var count = warm + (long)(rate * seconds);
        using var feed = new QuoteFeed { TickTicks = feedTickMicroseconds * Stopwatch.Frequency / 1_000_000 };
        var start = new ProcessStartInfo("ncat", ["127.0.0.1", feed.Port.ToString(CultureInfo.InvariantCulture)]) { RedirectStandardOutput = true, UseShellExecute = false };
        Process relayProcess;
        try
        {
            relayProcess = Process.Start(start) ?? throw new InvalidOperationException("ncat did not start");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            Console.Error.WriteLine($"  The floor needs Debian's ncat on the PATH (apt-get install ncat; .ci/run installs it): {ex.Message}");
            return null;
        }

        using var relay = relayProcess;
        var latencies = new Latencies(rate, warm, seconds);
        long receivedCount = 0;
        long line = -1;
        var reader = new Thread(() => ReadLines(relay.StandardOutput.BaseStream, now =>
        {
            // The header first (line -1), then quote 0, 1, …
            var quote = line++;
            if (quote < 0 || quote >= count)
            {
                return;
            }

            Interlocked.Increment(ref receivedCount);
            latencies.Record(quote, now);
        }))
        { IsBackground = true, Name = "results" };
        reader.Start();
        await feed.AcceptAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        latencies.T0 = Stopwatch.GetTimestamp() + (Stopwatch.Frequency / 100);
        feed.Run(rate, count, latencies.T0);
        var deadline = Stopwatch.StartNew();
        while (Interlocked.Read(ref receivedCount) < count && deadline.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(20).ConfigureAwait(false);
        }

        relay.Kill();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"\n{rate:N0} quotes/s through ncat: {Interlocked.Read(ref receivedCount):N0} of {count:N0} lines back, feed at most {feed.MaxBehindTicks * 1e3 / Stopwatch.Frequency:F1} ms behind its schedule; load average {ServiceProcess.LoadAverage()}"));
        Print("corrected (from the intended send time)", latencies.Corrected);
        latencies.PrintStalls();
        return Interlocked.Read(ref receivedCount) == count ? latencies.Figures() : null;
    }

    /// <summary>Calls <paramref name="onLine"/> with the read's time for each line of <paramref name="output"/>.</summary>
    private static void ReadLines(Stream output, Action<long> onLine)
    {
        var buffer = new byte[1 << 20];
        while (true)
        {
            int n;
            try
            {
                n = output.Read(buffer, 0, buffer.Length);
            }
            catch (IOException)
            {
                return;
            }

            if (n == 0)
            {
                return;
            }

            var now = Stopwatch.GetTimestamp();
            var lines = buffer.AsSpan(0, n).Count((byte)'\n');
            for (var i = 0; i < lines; i++)
            {
                onLine(now);
            }
        }
    }

    /// <summary>One service, one rate: warm-up, then <paramref name="seconds"/> recorded; every quote must come back.</summary>
    private static async Task<RunFigures?> LatencyAsync(double rate, double warmupSeconds, double seconds, bool table = true, int benchNice = 0, int feedTickMicroseconds = 0)
    {
        var warm = (long)(rate * warmupSeconds);
        var count = warm + (long)(rate * seconds);
        using var feed = new QuoteFeed { SendTimes = new long[count], TickTicks = feedTickMicroseconds * Stopwatch.Frequency / 1_000_000 };
        using var service = ServiceProcess.Start(feed.Port, onlyLive: true, console: true, table: table);
        var latencies = new Latencies(rate, warm, seconds);
        var raw = new LongHistogram(1, 600_000_000_000L, 3);
        var received = new bool[count];
        long receivedCount = 0;
        var toNs = 1e9 / Stopwatch.Frequency;
        var readerTid = 0;
        var reader = new Thread(() =>
        {
            readerTid = BenchThreads.CurrentId();
            BenchThreads.SetNice(benchNice);
            ReadResults(service.Output, OnQuote);
        })
        { IsBackground = true, Name = "results" };
        void OnQuote(long quote, long now)
        {
            if (quote < 0 || quote >= count || received[quote])
            {
                return;
            }

            received[quote] = true;
            Interlocked.Increment(ref receivedCount);
            if (latencies.Record(quote, now))
            {
                raw.RecordValue(Math.Max(1, (long)((now - feed.SendTimes![quote]) * toNs)));
            }
        }

        reader.Start();

        await feed.AcceptAsync(TimeSpan.FromSeconds(120)).ConfigureAwait(false);
        var cpu0 = service.CpuSeconds();
        var load0 = ServiceProcess.LoadAverage();
        var gc0 = await GcAsync(service).ConfigureAwait(false);
        latencies.T0 = Stopwatch.GetTimestamp() + (Stopwatch.Frequency / 100);
        var readerCpu0 = BenchThreads.CpuSeconds(readerTid);

        // Before the end of the warm-up, so that neither is in the recorded window: with --trace-gc, the GC trace (2 s before:
        // starting a session makes the runtime enable its event sources, a few milliseconds of the service's time); the
        // progress (0.2 s before), whose table-queue wait the recorded window's is measured from.
        GcTrace? trace = null;
        var waitedBefore = double.NaN;
        var windowStart = Task.Run(async () =>
        {
            await UntilAsync(latencies.T0, warmupSeconds - 2).ConfigureAwait(false);
            trace = TraceGc ? GcTrace.Start(service.Pid) : null;
            await UntilAsync(latencies.T0, warmupSeconds - 0.2).ConfigureAwait(false);
            waitedBefore = (await service.ProgressAsync().ConfigureAwait(false)).GetProperty("sinkWaitMs").GetDouble();
        });
        var feedCpu = 0.0;
        var sender = new Thread(() =>
        {
            // Its own thread (not a pool worker), so that its nice value and CPU time are the feed's alone.
            var tid = BenchThreads.CurrentId();
            BenchThreads.SetNice(benchNice);
            var cpu0 = BenchThreads.CpuSeconds(tid);
            feed.Run(rate, count, latencies.T0);
            feedCpu = BenchThreads.CpuSeconds(tid) - cpu0;
        })
        { Name = "feed" };
        sender.Start();
        sender.Join();
        var sendSeconds = Stopwatch.GetElapsedTime(latencies.T0).TotalSeconds;
        await windowStart.ConfigureAwait(false);
        trace?.Stop();
        var deadline = Stopwatch.StartNew();
        while (Interlocked.Read(ref receivedCount) < count && deadline.Elapsed < TimeSpan.FromSeconds(60) && !service.HasExited)
        {
            await Task.Delay(20).ConfigureAwait(false);
        }

        var cpu = service.CpuSeconds() - cpu0;
        var readerCpu = BenchThreads.CpuSeconds(readerTid) - readerCpu0;
        var gc = await GcAsync(service).ConfigureAwait(false);
        var progress = await service.ProgressAsync().ConfigureAwait(false);
        var got = Interlocked.Read(ref receivedCount);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"\n{rate:N0} quotes/s, {(table ? "console + table" : "console only")}: {count:N0} quotes in {sendSeconds:F2} s (first {warm:N0} = {warmupSeconds:0.#} s warm-up, not recorded), {got:N0} per-quote results back, " +
            $"feed at most {feed.MaxBehindTicks * 1e3 / Stopwatch.Frequency:F1} ms behind its schedule{(feedTickMicroseconds > 0 ? $", sending every {feedTickMicroseconds} µs" : string.Empty)}; bench CPU (nice {benchNice}) feed {feedCpu / sendSeconds:F2} + reader {readerCpu / sendSeconds:F2} cores; service CPU {cpu / sendSeconds:F2} cores, GC pauses {(gc.Pause - gc0.Pause) * 100 / sendSeconds:F1} % of the time ({gc.Gen0 - gc0.Gen0:F0}/{gc.Gen1 - gc0.Gen1:F0}/{gc.Gen2 - gc0.Gen2:F0} gen0/1/2 GCs, {(gc.Pause - gc0.Pause) * 1e3 / Math.Max(1, gc.Gen0 + gc.Gen1 + gc.Gen2 - gc0.Gen0 - gc0.Gen1 - gc0.Gen2):F2} ms a collection), {(gc.Allocated - gc0.Allocated) / count:F0} B allocated per quote (the whole process); load average {load0} → {ServiceProcess.LoadAverage()}; " +
            $"progress rowsParsed {progress.GetProperty("rowsParsed").GetInt64():N0}, outputRows {progress.GetProperty("outputRows").GetInt64():N0}, deadLetters {progress.GetProperty("deadLetters").GetInt64()}, waited on a full table queue {progress.GetProperty("sinkWaitMs").GetDouble():N0} ms ({progress.GetProperty("sinkWaitMs").GetDouble() - waitedBefore:N0} ms of it in the recorded window)"));
        Print("corrected (from the intended send time)", latencies.Corrected);
        Print("uncorrected (from the write to the socket)", raw);
        latencies.PrintStalls();
        trace?.Print(seconds);
        trace?.Dispose();
        if (got != count)
        {
            Console.Error.WriteLine($"  LOST: {count - got:N0} quotes had no per-quote result within 60 s. Service log:\n{service.LogTail()}");
            return null;
        }

        return latencies.Figures();
    }

    /// <summary>Waits until <paramref name="seconds"/> after the timestamp <paramref name="t0"/> (at once if that has passed).</summary>
    private static async Task UntilAsync(long t0, double seconds)
    {
        var ticks = t0 + (long)(seconds * Stopwatch.Frequency) - Stopwatch.GetTimestamp();
        if (ticks > 0)
        {
            await Task.Delay(TimeSpan.FromSeconds((double)ticks / Stopwatch.Frequency)).ConfigureAwait(false);
        }
    }

    /// <summary>Whether latency runs trace the service's collections and allocations over the recorded window (<c>--trace-gc</c>).</summary>
    public static bool TraceGc { get; set; }

    private static void Print(string what, LongHistogram h) => Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"  {what,-44}: p50 {Ms(h.GetValueAtPercentile(50))} ms  p99 {Ms(h.GetValueAtPercentile(99))} ms  p99.9 {Ms(h.GetValueAtPercentile(99.9))} ms  max {Ms(h.GetMaxValue())} ms  ({h.TotalCount:N0} quotes)"));

    internal static string Ms(long ns) => (ns / 1e6).ToString(ns < 10_000_000 ? "F3" : "F1", CultureInfo.InvariantCulture);

    /// <summary>
    /// The rate ladder with a table sink only: each rate for <paramref name="seconds"/> on one connection; sustained when the
    /// feed never fell more than 100 ms behind its schedule (TCP back-pressure would hold it back) and the service had parsed
    /// every quote within 1 s of the last one sent. Returns the highest sustained rate. With <paramref name="emitQuotes"/> the ladder ends at the first rate not sustained.
    /// </summary>
    private static async Task<double> ThroughputAsync(double[] ladder, double seconds, bool emitQuotes = true)
    {
        using var feed = new QuoteFeed();
        using var service = ServiceProcess.Start(feed.Port, onlyLive: true, console: false, emitQuotes);
        _ = service.Output.CopyToAsync(Stream.Null);
        await feed.AcceptAsync(TimeSpan.FromSeconds(120)).ConfigureAwait(false);
        var results = emitQuotes ? "a row per quote (EmitQuotes) and per second and minute" : "its own results only, per second and per minute (EmitQuotes false)";
        Console.WriteLine($"\nHighest sustained rate: spread pipeline, {results} → table live_spread, {seconds:0.#} s per rate; sustained = feed ≤ 100 ms behind schedule and every quote parsed ≤ 1 s after the last was sent");
        Console.WriteLine("  | rate/s | sent/s | feed behind ms | parsed after end s | max backlog (sent − parsed) | table queue max | service CPU cores | CPU µs/quote | GC pause % | gen0/1/2 GCs per s | gen0/1/2 GCs | allocated B/quote | load avg | sustained |");
        Console.WriteLine("  |---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        if (!emitQuotes)
        {
            // Warm-up, not recorded: tiered JIT would otherwise be charged to the first rate's CPU per quote.
            feed.Run(ladder[0], (long)(ladder[0] * 3), Stopwatch.GetTimestamp(), sleep: true);
        }

        double best = 0;
        foreach (var rate in ladder)
        {
            var count = (long)(rate * seconds);
            var cpu0 = service.CpuSeconds();
            var load0 = ServiceProcess.LoadAverage();
            var gc0 = await GcAsync(service).ConfigureAwait(false);
            long maxBacklog = 0;
            long maxQueue = 0;
            using var sampling = new CancellationTokenSource();
            var sampler = Task.Run(async () =>
            {
                while (!sampling.IsCancellationRequested)
                {
                    var p = await service.ProgressAsync().ConfigureAwait(false);
                    maxBacklog = Math.Max(maxBacklog, feed.Sent - p.GetProperty("rowsParsed").GetInt64());
                    maxQueue = Math.Max(maxQueue, p.GetProperty("queueLength").GetInt64());
                    await Task.Delay(500).ConfigureAwait(false);
                }
            });
            var t0 = Stopwatch.GetTimestamp();
            feed.Run(rate, count, t0, sleep: !emitQuotes);
            var sendSeconds = Stopwatch.GetElapsedTime(t0).TotalSeconds;
            var end = Stopwatch.StartNew();
            double? drained = null;
            while (end.Elapsed < TimeSpan.FromSeconds(60) && !service.HasExited)
            {
                var p = await service.ProgressAsync().ConfigureAwait(false);
                if (p.GetProperty("rowsParsed").GetInt64() >= feed.Sent)
                {
                    drained = end.Elapsed.TotalSeconds;
                    break;
                }

                await Task.Delay(50).ConfigureAwait(false);
            }

            var wall = sendSeconds + (drained ?? 0);
            var cpuSeconds = service.CpuSeconds() - cpu0;
            var cpu = cpuSeconds / wall;
            var gc = await GcAsync(service).ConfigureAwait(false);
            await sampling.CancelAsync().ConfigureAwait(false);
            await sampler.ConfigureAwait(false);
            var behindMs = feed.MaxBehindTicks * 1e3 / Stopwatch.Frequency;
            var ok = behindMs <= 100 && drained is <= 1.0;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  | {rate:N0} | {count / sendSeconds:N0} | {behindMs:F1} | {(drained is { } d ? d.ToString("F2", CultureInfo.InvariantCulture) : "> 60")} | {maxBacklog:N0} | {maxQueue:N0} | {cpu:F2} | {cpuSeconds * 1e6 / count:F2} | {(gc.Pause - gc0.Pause) * 100 / wall:F1} | {(gc.Gen0 - gc0.Gen0) / wall:F0}/{(gc.Gen1 - gc0.Gen1) / wall:F1}/{(gc.Gen2 - gc0.Gen2) / wall:F1} | {gc.Gen0 - gc0.Gen0:F0}/{gc.Gen1 - gc0.Gen1:F0}/{gc.Gen2 - gc0.Gen2:F0} | {(gc.Allocated - gc0.Allocated) / count:F0} | {load0} → {ServiceProcess.LoadAverage()} | {(ok ? "yes" : "no")} |"));
            if (ok)
            {
                best = Math.Max(best, rate);
            }
            else if (emitQuotes)
            {
                break;
            }
        }

        return best;
    }

    /// <summary>
    /// <c>--live --aggregate-only</c>: the rate ladder of <see cref="ThroughputAsync"/> with the spread pipeline's own
    /// results only (<c>EmitQuotes false</c>: the spread per second and per minute, a few table rows a second), so that
    /// the figure is the input side's — socket, framing, parsing, the per-symbol route and the spread — not a table row per quote.
    /// Every rate runs (a miss does not end the ladder: the bytes and CPU per quote are wanted at each rate), after a
    /// 3 s warm-up at the first rate (not recorded).
    /// </summary>
    public static async Task<bool> AggregateLadderAsync(double[] ladder, double seconds)
    {
        Console.WriteLine($"Live service: .NET {Environment.Version}, {Environment.ProcessorCount} cores, load average {ServiceProcess.LoadAverage()} at the start");
        var best = await ThroughputAsync(ladder, seconds, emitQuotes: false).ConfigureAwait(false);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"\nHighest sustained rate, spread per second and minute → table: {best:N0} quotes/s"));
        return best > 0;
    }

    /// <summary>
    /// <c>--live --feed-only</c>: the load generator alone, sending into a reader thread that discards the bytes, at each
    /// rate of <paramref name="ladder"/> (0: as fast as it can) for <paramref name="seconds"/>: whether the feed itself can
    /// send the rates the ladder asks of the service, and at what CPU cost (the bench process: feed and reader).
    /// </summary>
    public static async Task<bool> FeedOnlyAsync(double[] ladder, double seconds)
    {
        Console.WriteLine($"Load generator alone: .NET {Environment.Version}, {Environment.ProcessorCount} cores, load average {ServiceProcess.LoadAverage()} at the start");
        using var feed = new QuoteFeed();
        using var client = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        await client.ConnectAsync(System.Net.IPAddress.Loopback, feed.Port).ConfigureAwait(false);
        await feed.AcceptAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        long bytes = 0;
        var reader = new Thread(() =>
        {
            var buffer = new byte[1 << 20];
            int n;
            try
            {
                while ((n = client.Receive(buffer)) > 0)
                {
                    Interlocked.Add(ref bytes, n);
                }
            }
            catch (System.Net.Sockets.SocketException)
            {
            }
            catch (ObjectDisposedException)
            {
            }
        })
        { IsBackground = true, Name = "drain" };
        reader.Start();
        Console.WriteLine("  | rate/s | sent lines/s | MB/s | feed behind ms | bench CPU cores (feed + reader) | bench CPU µs/line | load avg |");
        Console.WriteLine("  |---:|---:|---:|---:|---:|---:|---:|");
        var ok = true;
        foreach (var rate in ladder)
        {
            var count = (long)((rate > 0 ? rate : 20_000_000) * seconds);
            var bytes0 = Interlocked.Read(ref bytes);
            var sent0 = feed.Sent;
            var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
            var load0 = ServiceProcess.LoadAverage();
            var t0 = Stopwatch.GetTimestamp();
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
            feed.Run(rate, count, t0, rate > 0 ? default : limit.Token, sleep: true);
            var wall = Stopwatch.GetElapsedTime(t0).TotalSeconds;
            var lines = feed.Sent - sent0;
            var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds;
            var behindMs = feed.MaxBehindTicks * 1e3 / Stopwatch.Frequency;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  | {(rate > 0 ? rate.ToString("N0", CultureInfo.InvariantCulture) : "as fast as it can")} | {lines / wall:N0} | {(Interlocked.Read(ref bytes) - bytes0) / wall / 1e6:F1} | {(rate > 0 ? behindMs.ToString("F1", CultureInfo.InvariantCulture) : "-")} | {cpu / wall:F2} | {cpu * 1e6 / lines:F3} | {load0} → {ServiceProcess.LoadAverage()} |"));
            ok &= rate <= 0 || behindMs <= 100;
        }

        return ok;
    }

    /// <summary>
    /// <c>--soak</c>: the default pipelines plus the live spread pipeline (table sink) fed at <paramref name="rate"/>, an SSE
    /// client on the dashboard's stream; RSS, managed heap, the memory the GC holds, GC pause time and threads every 10 s.
    /// </summary>
    public static async Task<bool> SoakAsync(double rate, int seconds)
    {
        using var feed = new QuoteFeed();
        using var service = ServiceProcess.Start(feed.Port, onlyLive: false, console: false);
        _ = service.Output.CopyToAsync(Stream.Null);
        await feed.AcceptAsync(TimeSpan.FromSeconds(120)).ConfigureAwait(false);
        long sseEvents = 0;
        using var sseStop = new CancellationTokenSource();
        var sse = Task.Run(async () =>
        {
            using var stream = await service.Http.GetStreamAsync("api/dashboard/events", sseStop.Token).ConfigureAwait(false);
            using var lines = new StreamReader(stream);
            while (await lines.ReadLineAsync(sseStop.Token).ConfigureAwait(false) is { } line)
            {
                if (line.StartsWith("id:", StringComparison.Ordinal))
                {
                    Interlocked.Increment(ref sseEvents);
                }
            }
        });
        using var feeding = new CancellationTokenSource();
        var t0 = Stopwatch.GetTimestamp();
        var sender = new Thread(() => feed.Run(rate, (long)(rate * seconds), t0, feeding.Token)) { IsBackground = true, Name = "feed" };
        sender.Start();
        Console.WriteLine($"Soak: pid {service.Pid}, default pipelines + live spread (EmitQuotes, table sink) at {rate:N0} quotes/s for {seconds} s, SSE client on /api/dashboard/events; a sample every 10 s");
        Console.WriteLine("  | t s | RSS MB | anonymous MB | managed heap MB | GC committed MB | SQLite MB | GC pause s (total) | gen0/1/2 GCs | threads | pool threads | quotes parsed | backlog | SSE events | load avg |");
        Console.WriteLine("  |---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        var samples = new List<(double T, double Rss, double Heap, long Threads, double Anonymous, double Sqlite)>();
        for (var next = 0; next <= seconds && !service.HasExited; next += 10)
        {
            var wait = TimeSpan.FromSeconds(next) - Stopwatch.GetElapsedTime(t0);
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait).ConfigureAwait(false);
            }

            var metrics = await service.Http.GetStringAsync("metrics").ConfigureAwait(false);
            var p = await service.ProgressAsync().ConfigureAwait(false);
            var parsed = p.GetProperty("rowsParsed").GetInt64();
            var rss = service.Status("VmRSS") / 1024.0;

            // RSS without the mapped files (code, the runtime's images): the heaps — the GC's, SQLite's, the C library's.
            var anonymous = service.Status("RssAnon") / 1024.0;
            var threads = service.Status("Threads");
            var heap = ServiceProcess.Metric(metrics, "dotnet_gc_last_collection_heap_size_bytes") / 1e6;

            // What the GC keeps committed (live objects, garbage not collected yet, free space in its regions): RSS minus this is native memory (SQLite, the runtime, code).
            var committed = ServiceProcess.Metric(metrics, "dotnet_gc_last_collection_memory_committed_size_bytes") / 1e6;
            var sqlite = ServiceProcess.Metric(metrics, "reactive_sqlite_memory_bytes") / 1e6;
            var pause = ServiceProcess.Metric(metrics, "dotnet_gc_pause_time_seconds_total");
            var gcs = string.Join('/', new[] { "gen0", "gen1", "gen2" }.Select(g => GenCount(metrics, g)));
            var pool = ServiceProcess.Metric(metrics, "dotnet_thread_pool_thread_count");
            samples.Add((next, rss, heap, threads, anonymous, sqlite));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  | {next} | {rss:F1} | {anonymous:F1} | {heap:F1} | {committed:F1} | {sqlite:F1} | {pause:F3} | {gcs} | {threads} | {pool} | {parsed:N0} | {feed.Sent - parsed:N0} | {Interlocked.Read(ref sseEvents):N0} | {ServiceProcess.LoadAverage()} |"));
        }

        await feeding.CancelAsync().ConfigureAwait(false);
        sender.Join();
        await sseStop.CancelAsync().ConfigureAwait(false);
        try
        {
            await sse.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        catch (HttpRequestException e)
        {
            Console.WriteLine($"  SSE client: {e.Message}");
        }

        if (service.HasExited || samples.Count < 2)
        {
            Console.Error.WriteLine($"The service exited during the soak. Log:\n{service.LogTail()}");
            return false;
        }

        var after = samples.Where(s => s.T >= 60).ToList();
        if (after.Count >= 2)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  after the first minute ({after[0].T:0} s → {after[^1].T:0} s): RSS {Delta(after[^1].Rss - after[0].Rss)} MB (max {after.Max(s => s.Rss):F1}), anonymous {Delta(after[^1].Anonymous - after[0].Anonymous)} MB, managed heap {Delta(after[^1].Heap - after[0].Heap)} MB (max {after.Max(s => s.Heap):F1}), SQLite {Delta(after[^1].Sqlite - after[0].Sqlite)} MB, threads {after[0].Threads} → {after[^1].Threads} (max {after.Max(s => s.Threads)}); feed at most {feed.MaxBehindTicks * 1e3 / Stopwatch.Frequency:F1} ms behind"));
        }

        return true;
    }

    private static async Task<(double Pause, double Gen0, double Gen1, double Gen2, double Allocated)> GcAsync(ServiceProcess service)
    {
        var metrics = await service.Http.GetStringAsync("metrics").ConfigureAwait(false);
        static double Count(string metrics, string generation) => double.TryParse(GenCount(metrics, generation), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : double.NaN;
        return (ServiceProcess.Metric(metrics, "dotnet_gc_pause_time_seconds_total"), Count(metrics, "gen0"), Count(metrics, "gen1"), Count(metrics, "gen2"), ServiceProcess.Metric(metrics, "dotnet_gc_heap_total_allocated_bytes_total"));
    }

    // A change in MB with its sign: rounded first, so that a tiny negative change reads "+0.0", not "-+0.0" (the format's
    // negative section rounding to zero falls back to the first section, behind the minus sign).
    internal static string Delta(double change) =>
        (Math.Round(change, 1) + 0.0).ToString("+0.0;-0.0;+0.0", CultureInfo.InvariantCulture);

    private static string GenCount(string metrics, string generation)
    {
        foreach (var line in metrics.Split('\n'))
        {
            if (line.StartsWith("dotnet_gc_collections_total{", StringComparison.Ordinal) && line.Contains($"\"{generation}\"", StringComparison.Ordinal))
            {
                return line[(line.LastIndexOf(' ') + 1)..];
            }
        }

        return "?";
    }

    /// <summary>
    /// Reads the service's standard output; for each per-quote result (a JSON line with <c>"timestamp":"…Z"</c>) calls
    /// <paramref name="onQuote"/> with its quote number and the Stopwatch time its bytes were read.
    /// </summary>
    private static void ReadResults(Stream output, Action<long, long> onQuote)
    {
        var buffer = new byte[1 << 20];
        var filled = 0;
        while (true)
        {
            int n;
            try
            {
                n = output.Read(buffer, filled, buffer.Length - filled);
            }
            catch (IOException)
            {
                return;
            }

            if (n == 0)
            {
                return;
            }

            var now = Stopwatch.GetTimestamp();
            filled += n;
            var span = buffer.AsSpan(0, filled);
            int end;
            var consumed = 0;
            while ((end = span[consumed..].IndexOf((byte)'\n')) >= 0)
            {
                var line = span.Slice(consumed, end);
                consumed += end + 1;
                var at = line.IndexOf(TimestampKey);
                if (at >= 0 && TryParseUtc(line[(at + TimestampKey.Length)..], out var ticks))
                {
                    onQuote(QuoteFeed.QuoteOf(ticks), now);
                }
            }

            span[consumed..].CopyTo(buffer);
            filled -= consumed;
        }
    }

    /// <summary><c>yyyy-MM-ddTHH:mm:ss[.f…]Z</c> → UTC ticks.</summary>
    private static bool TryParseUtc(ReadOnlySpan<byte> s, out long ticks)
    {
        ticks = 0;
        if (s.Length < 20 || s[4] != '-' || s[10] != 'T')
        {
            return false;
        }

        static int D(ReadOnlySpan<byte> s, int i, int n)
        {
            var v = 0;
            for (var k = 0; k < n; k++)
            {
                v = (v * 10) + (s[i + k] - '0');
            }

            return v;
        }

        var date = new DateTime(D(s, 0, 4), D(s, 5, 2), D(s, 8, 2), D(s, 11, 2), D(s, 14, 2), D(s, 17, 2), DateTimeKind.Utc);
        long fraction = 0;
        var i = 19;
        if (s[i] == '.')
        {
            var scale = TimeSpan.TicksPerSecond;
            for (i++; i < s.Length && s[i] is >= (byte)'0' and <= (byte)'9'; i++)
            {
                scale /= 10;
                fraction += (s[i] - '0') * scale;
            }
        }

        ticks = date.Ticks + fraction;
        return true;
    }
}

/// <summary>
/// The corrected latencies of one latency run (from each quote's intended send time, t0 + n / rate, after the warm-up),
/// and the worst of the quotes due in each millisecond of the recorded part: where the tail comes from.
/// </summary>
internal sealed class Latencies(double rate, long warm, double seconds)
{
    private readonly long[] _worstByMs = new long[(int)Math.Ceiling(seconds * 1000) + 1];
    private readonly double _perQuote = Stopwatch.Frequency / rate;
    private readonly double _toNs = 1e9 / Stopwatch.Frequency;

    /// <summary>When quote 0 is due (Stopwatch ticks); set before the feed starts.</summary>
    public long T0 { get; set; }

    public LongHistogram Corrected { get; } = new(1, 600_000_000_000L, 3);

    /// <summary>Records quote <paramref name="quote"/>'s result read at <paramref name="now"/>; false for the warm-up's quotes (not recorded).</summary>
    public bool Record(long quote, long now)
    {
        if (quote < warm)
        {
            return false;
        }

        var latency = Math.Max(1, (long)((now - (T0 + (quote * _perQuote))) * _toNs));
        Corrected.RecordValue(latency);
        var ms = Math.Min(_worstByMs.Length - 1, (int)((quote - warm) * 1000 / rate));
        _worstByMs[ms] = Math.Max(_worstByMs[ms], latency);
        return true;
    }

    /// <summary>
    /// The stalls: runs of milliseconds (by intended send time) whose worst quote took over 1 ms — how many, the time they
    /// cover, and the ten worst with when they began (seconds into the recorded part) and how far apart they are.
    /// </summary>
    public void PrintStalls()
    {
        var stalls = Stalls();
        var gaps = stalls.Zip(stalls.Skip(1), (a, b) => b.Start - a.Start).Order().ToList();
        var worstOnes = string.Join(", ", stalls.OrderByDescending(s => s.Worst).Take(10).Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Start / 1000.0:F3} s {s.Length} ms → {LiveBench.Ms(s.Worst)} ms")));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  stalls over 1 ms: {stalls.Count} covering {stalls.Sum(s => s.Length)} ms of {_worstByMs.Length - 1} ms; median gap between them {(gaps.Count > 0 ? gaps[gaps.Count / 2] : 0)} ms; worst: {worstOnes}"));
    }

    /// <summary>This run's figures: the corrected percentiles and the stalls.</summary>
    public RunFigures Figures()
    {
        var stalls = Stalls();
        return new RunFigures(Corrected.GetValueAtPercentile(50), Corrected.GetValueAtPercentile(99), Corrected.GetValueAtPercentile(99.9), stalls.Count, stalls.Sum(s => s.Length));
    }

    private List<(int Start, int Length, long Worst)> Stalls()
    {
        const long OneMs = 1_000_000;
        var stalls = new List<(int Start, int Length, long Worst)>();
        for (var i = 0; i < _worstByMs.Length; i++)
        {
            if (_worstByMs[i] <= OneMs)
            {
                continue;
            }

            var start = i;
            long worst = 0;
            for (; i < _worstByMs.Length && _worstByMs[i] > OneMs; i++)
            {
                worst = Math.Max(worst, _worstByMs[i]);
            }

            stalls.Add((start, i - start, worst));
        }

        return stalls;
    }
}

/// <summary>One latency run's figures (corrected, in ns) and its stalls over 1 ms (how many, the milliseconds they cover).</summary>
internal readonly record struct RunFigures(long P50, long P99, long P999, int Stalls, int StallMs);

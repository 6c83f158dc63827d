using System.Globalization;
using System.Reactive.Subjects;
using Reactive.Operators.Windows;
using Xunit.Abstractions;
using static Reactive.Operators.Tests.Windows.WindowTestData;

namespace Reactive.Operators.Tests.Windows;

/// <summary>Runs only when the environment variable <c>REACTIVE_ALLOC_CHECK=1</c> is set (a measurement, not an assertion).</summary>
public sealed class ManualCheckFactAttribute : FactAttribute
{
    public ManualCheckFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("REACTIVE_ALLOC_CHECK") != "1")
        {
            Skip = "Manual measurement: set REACTIVE_ALLOC_CHECK=1 to run.";
        }
    }
}

/// <summary>
/// Bytes allocated per event in steady state: <c>REACTIVE_ALLOC_CHECK=1 dotnet test tests/Reactive.Operators.Tests
/// --filter "FullyQualifiedName~EventTimeWindowAllocationCheck" --logger "console;verbosity=detailed"</c>.
/// </summary>
public sealed class EventTimeWindowAllocationCheck(ITestOutputHelper output)
{
    [ManualCheckFact]
    public void WindowByEventTime_MillionEventsSteadyState_ReportsBytesPerEvent()
    {
        Measure("append, 10 keys, 10 s / 5 s, all aggregates but twa", WindowOutputMode.Append, withTwa: false);
        Measure("append, 10 keys, 10 s / 5 s, all aggregates and twa", WindowOutputMode.Append, withTwa: true);
        Measure("update after every row (one batch per row), 10 keys, 10 s / 5 s, all aggregates and twa", WindowOutputMode.Update, withTwa: true);
    }

    private void Measure(string name, WindowOutputMode mode, bool withTwa)
    {
        const int Warmup = 200_000;
        const int Measured = 1_000_000;

        // 1000 events per second of event time, 10 keys, a little out of order; rows made before measuring.
        var rows = new Row[Warmup + Measured];
        var keys = Enumerable.Range(0, 10).Select(i => ((char)('a' + i)).ToString()).ToArray();
        for (var i = 0; i < rows.Length; i++)
        {
            rows[i] = new Row((i * 0.001) + ((i % 7) * 0.0005), keys[i % 10], i % 13 == 0 ? null : i % 100);
        }

        string[] aggregates = withTwa
            ? ["count", "count(value)", "sum(value)", "avg(value)", "min(value)", "max(value)", "first(value)", "last(value)", "stddev(value)", "variance(value)", "twa(value)"]
            : ["count", "count(value)", "sum(value)", "avg(value)", "min(value)", "max(value)", "first(value)", "last(value)", "stddev(value)", "variance(value)"];
        var options = Options(10, 5, mode, delaySeconds: 2, aggregates);
        long outputRows = 0;
        using var subject = new Subject<Row>();
        using var subscription = subject.WindowByEventTime(options).Subscribe(u => outputRows += u.Rows.Count);
        for (var i = 0; i < Warmup; i++)
        {
            subject.OnNext(rows[i]);
        }

        var watch = System.Diagnostics.Stopwatch.StartNew();
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = Warmup; i < rows.Length; i++)
        {
            subject.OnNext(rows[i]);
        }

        var bytes = GC.GetAllocatedBytesForCurrentThread() - before;
        watch.Stop();
        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{name}: {bytes} bytes for {Measured} events = {bytes / (double)Measured:0.00} bytes/event ({outputRows} result rows emitted in all; {Measured / watch.Elapsed.TotalSeconds:0} events/s, this build)"));
    }
}

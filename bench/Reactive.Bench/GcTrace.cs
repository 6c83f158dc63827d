using System.Diagnostics.Tracing;
using System.Globalization;
using System.Text;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Parsers;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

namespace Reactive.Bench;

/// <summary>
/// The service's garbage collections and allocations while a latency run records (<c>--live --trace-gc</c>): an EventPipe
/// session on the service's runtime (the diagnostics port every .NET process opens), the runtime provider's GC keyword at
/// verbose level. Per collection: its generation and reason, the time to suspend the managed threads, the whole pause,
/// how long each kind of root took to mark (the events' own timestamps) and what was promoted; and an allocation census:
/// the runtime reports the type of the object that crosses each ≈ 100 KB allocated (<c>GCAllocationTick</c>), so the
/// bytes by type are a sample, good for the shares of the large allocators. Costs the service next to nothing: a few
/// events per collection and one per 100 KB.
/// </summary>
internal sealed class GcTrace : IDisposable
{
    private readonly EventPipeSession _session;
    private readonly Thread _reader;
    private readonly List<string> _collections = [];
    private readonly Dictionary<string, long> _allocatedByType = [];
    private readonly StringBuilder _phases = new();
    private readonly long[] _count = new long[3];
    private double _pauseMs;
    private double _suspendStart, _suspendEnd, _lastMark;
    private int _generation = -1;
    private string _reason = string.Empty;
    private long _promoted;
    private string? _error;

    private GcTrace(int pid)
    {
        var client = new DiagnosticsClient(pid);
        _session = client.StartEventPipeSession(
            [new EventPipeProvider("Microsoft-Windows-DotNETRuntime", EventLevel.Verbose, (long)ClrTraceEventParser.Keywords.GC)],
            requestRundown: false);
        var source = new EventPipeEventSource(_session.EventStream);
        source.Clr.GCSuspendEEStart += e =>
        {
            _suspendStart = _lastMark = e.TimeStampRelativeMSec;
            _phases.Clear();
            _promoted = 0;
        };
        source.Clr.GCSuspendEEStop += e => _suspendEnd = _lastMark = e.TimeStampRelativeMSec;
        source.Clr.GCStart += e =>
        {
            _generation = e.Depth;
            _reason = e.Reason.ToString();
            _lastMark = e.TimeStampRelativeMSec;
        };
        source.Clr.GCMarkWithType += e =>
        {
            var ms = e.TimeStampRelativeMSec - _lastMark;
            _lastMark = e.TimeStampRelativeMSec;
            _promoted += e.Promoted;
            if (ms >= 0.05 || e.Promoted >= 100_000)
            {
                _phases.Append(CultureInfo.InvariantCulture, $"{RootName((int)e.Type)} {ms:F2} ms ({e.Promoted / 1000:N0} KB), ");
            }
        };
        source.Clr.GCRestartEEStop += e =>
        {
            if (_generation < 0)
            {
                return; // a suspension for something else (the debugger, a rejit)
            }

            var pause = e.TimeStampRelativeMSec - _suspendStart;
            _pauseMs += pause;
            _count[Math.Min(2, _generation)]++;
            _collections.Add(string.Create(CultureInfo.InvariantCulture,
                $"    gen{_generation} ({_reason}) at {e.TimeStamp.ToUniversalTime():HH:mm:ss.fff}: pause {pause:F2} ms (suspending {_suspendEnd - _suspendStart:F2}), promoted {_promoted / 1000:N0} KB; marking {_phases}then the rest (plan, relocate, compact or sweep) {e.TimeStampRelativeMSec - _lastMark:F2} ms"));
            _generation = -1;
        };
        source.Clr.GCAllocationTick += e =>
        {
            var type = e.TypeName ?? "?";
            _allocatedByType[type] = _allocatedByType.GetValueOrDefault(type) + e.AllocationAmount64;
        };
        _reader = new Thread(() =>
        {
            try
            {
                source.Process();
            }
            catch (Exception ex) when (ex is FormatException or EndOfStreamException or IOException)
            {
                // The stream ends abruptly when the service exits first: what was read stands.
                _error = ex.Message;
            }
        })
        { IsBackground = true, Name = "gc-trace" };
        _reader.Start();
    }

    /// <summary>Starts tracing process <paramref name="pid"/> (a .NET process of the same user).</summary>
    public static GcTrace Start(int pid) => new(pid);

    /// <summary>Ends the session and waits (at most 10 s) for its last events.</summary>
    public void Stop()
    {
        try
        {
            _session.Stop();
        }
        catch (Exception ex) when (ex is ServerNotAvailableException or IOException or TimeoutException)
        {
            _error ??= ex.Message;
        }

        _reader.Join(TimeSpan.FromSeconds(10));
    }

    /// <summary>Prints the collections and the allocation census.</summary>
    public void Print(double seconds)
    {
        var sampled = _allocatedByType.Values.Sum();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  GC trace of the service over the recorded {seconds:0.#} s: {_count[0]}/{_count[1]}/{_count[2]} gen0/1/2 collections, paused {_pauseMs:F1} ms in all{(_error is null ? string.Empty : $" (the trace ended early: {_error})")}"));
        foreach (var line in _collections)
        {
            Console.WriteLine(line);
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"    allocated (sampled: the type of the object crossing each ≈ 100 KB): {sampled / 1e6:F1} MB, {sampled / 1e3 / seconds:F0} KB/s; by type:"));
        foreach (var (type, bytes) in _allocatedByType.OrderByDescending(p => p.Value).Take(12))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"      {bytes * 100.0 / sampled,5:F1} %  {bytes / 1e6,6:F2} MB  {type}"));
        }
    }

    public void Dispose() => _session.Dispose();

    /// <summary>The runtime's root kinds (<c>GCRootKind</c>) as the mark events number them.</summary>
    private static string RootName(int kind) => kind switch
    {
        0 => "stacks",
        1 => "finalizer queue",
        2 => "handles",
        3 => "older generations",
        4 => "sized refs",
        5 => "overflow",
        6 => "dependent handles",
        7 => "new finalizable",
        8 => "steal",
        9 => "background",
        _ => "kind " + kind.ToString(CultureInfo.InvariantCulture),
    };
}

using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Reactive.Host.DeadLetters;

/// <summary>
/// Logs rejected rows at a bounded rate: a pipeline's first rejection (after a quiet
/// <see cref="DeadLetterOptions.LogInterval"/>) at once, then one summary per interval with the counts
/// by code and the last reason, e.g. <c>pipeline spread: 1,234 rows rejected in the last 10 s
/// (bad_number 1,200, late 34); last: …</c>. A bad feed thus costs at most two lines per interval
/// per pipeline, however many rows it rejects. Thread-safe; pending counts are logged on dispose.
/// </summary>
public sealed class RejectionLog : IDisposable
{
    private readonly ConcurrentDictionary<string, PipelineRejections> _pipelines = new(StringComparer.Ordinal);
    private readonly ILogger _logger;
    private readonly TimeProvider _timeProvider;
    private readonly TimeSpan _interval;
    private readonly ITimer _timer;
    private int _disposed;

    /// <summary>Creates the log and starts its interval timer.</summary>
    public RejectionLog(IOptions<DeadLetterOptions> options, ILogger<RejectionLog>? logger = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _interval = options.Value.LogInterval;
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(_interval, TimeSpan.Zero, nameof(options));
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _timer = _timeProvider.CreateTimer(static state => ((RejectionLog)state!).Flush(), this, _interval, _interval);
    }

    /// <summary>Notes one rejected row of <paramref name="pipeline"/>; logs it at once only when the pipeline was quiet for an interval.</summary>
    public void Record(string pipeline, string code, string reason)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentNullException.ThrowIfNull(code);
        reason ??= string.Empty;
        var state = _pipelines.GetOrAdd(pipeline, static _ => new PipelineRejections());
        var now = _timeProvider.GetTimestamp();
        bool logNow;
        lock (state)
        {
            logNow = state.Total == 0 && (state.LastLog is not { } last || _timeProvider.GetElapsedTime(last, now) >= _interval);
            if (logNow)
            {
                state.LastLog = now;
            }
            else
            {
                state.Total++;
                state.ByCode[code] = state.ByCode.GetValueOrDefault(code) + 1;
                state.LastReason = reason;
            }
        }

        if (logNow)
        {
            Log.FirstRejection(_logger, pipeline, code, reason, _interval.TotalSeconds);
        }
    }

    /// <summary>Logs the summary of every pipeline with rejections not logged yet (the timer calls it each interval).</summary>
    public void Flush()
    {
        var now = _timeProvider.GetTimestamp();
        foreach (var (pipeline, state) in _pipelines)
        {
            long total;
            string byCode;
            string lastReason;
            TimeSpan elapsed;
            lock (state)
            {
                if (state.Total == 0)
                {
                    continue;
                }

                total = state.Total;
                byCode = FormatCounts(state.ByCode);
                lastReason = state.LastReason;
                elapsed = state.LastLog is { } last ? _timeProvider.GetElapsedTime(last, now) : _interval;
                state.Total = 0;
                state.ByCode.Clear();
                state.LastLog = now;
            }

            Log.RejectionSummary(_logger, pipeline, total, Math.Ceiling(elapsed.TotalSeconds), byCode, lastReason);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _timer.Dispose();
        Flush();
    }

    private static string FormatCounts(Dictionary<string, long> byCode)
    {
        var text = new StringBuilder();
        foreach (var (code, count) in byCode.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal))
        {
            text.Append(text.Length == 0 ? string.Empty : ", ").Append(code).Append(' ').Append(count.ToString("N0", CultureInfo.InvariantCulture));
        }

        return text.ToString();
    }

    private sealed class PipelineRejections
    {
        public Dictionary<string, long> ByCode { get; } = new(StringComparer.Ordinal);

        public long Total { get; set; }

        public string LastReason { get; set; } = string.Empty;

        public long? LastLog { get; set; }
    }
}

using System.Buffers;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Reactive.Host.Analytics;
using Reactive.Host.Kinds;
using Reactive.Host.Progress;
using Reactive.Host.Sinks;

namespace Reactive.Host.Pipelines;

/// <summary>
/// Runs a live pipeline's micro-batches as Spark's <c>MicroBatchExecution</c> does: before a batch is processed its
/// planned source range goes to the checkpoint's offsets log; when it ended, its results go to the sinks under its
/// batch id, then the operator state and the commit log entry; its progress (Spark's <c>StreamingQueryProgress</c>) is
/// recorded, logged and shown. A micro-batch kind (aggregate) ends a batch with its operator's result; a per-row kind
/// (spread, anomaly) when checkpointed runs in batches of its checkpoint interval, its rows written at the batch end.
/// </summary>
/// <remarks>
/// Called on the pipeline's thread (batches run one after the other); <see cref="ReadStarted"/> and <see cref="ReadEnded"/>
/// on the source's, and the console's held lines are under a gate of their own for them.
/// </remarks>
internal sealed class BatchTracker : IReadScope
{
    private readonly PipelineRunContext _ctx;
    private readonly IPipelineKind _kind;
    private readonly PipelineCheckpoint? _checkpoint;
    private readonly KindState? _state;
    private readonly RowSinks _sinks;
    private readonly bool _console;
    private readonly int _consoleRows;
    private readonly List<ResultRow> _pending = [];
    private readonly string _sourceDescription;

    // The console's JSON lines are written through these, kept from one result to the next (a per-row kind writes one per row).
    private readonly ArrayBufferWriter<byte> _jsonBuffer = new(1024);
    private readonly Utf8JsonWriter _json;
    private const int MaxKeptChars = 64 * 1024;
    private char[] _jsonChars = new char[1024];

    // Per-row JSON lines held while a socket read is parsed (see ReadStarted), written as one text when it is done or when
    // MaxHeldChars (about 20 rows) are held: a row waits for at most that many more to be made. Under the gate: a timer's
    // row can come on another thread while a read is parsed.
    private readonly Lock _consoleGate = new();
    private const int MaxHeldChars = 4096;
    private readonly char[] _held = new char[MaxHeldChars];
    private int _heldLength;
    private int _reading;
    private long _nextId;
    private Current? _current;
    private SourcePosition _lastEnd;
    private long _previousStartTicks = long.MinValue;

    public BatchTracker(PipelineRunContext ctx, PipelineCheckpoint? checkpoint, KindState? state, RowSinks sinks, bool console, int consoleRows)
    {
        _ctx = ctx;
        _kind = ctx.Definition.Kind;
        _checkpoint = checkpoint;
        _state = state;
        _sinks = sinks;
        _console = console;
        _consoleRows = consoleRows;
        _nextId = checkpoint?.NextBatchId ?? 0;
        _lastEnd = checkpoint?.ResumeAt ?? SourcePosition.Start;
        _sourceDescription = ctx.Definition.Source.Kind;
        _json = new Utf8JsonWriter(_jsonBuffer, ResultRow.JsonLineOptions);
    }

    /// <summary>Whether per-row results wait for their batch's end (checkpointed per-row kinds).</summary>
    private bool HoldsRows => _checkpoint is not null && !_kind.MicroBatches;

    /// <summary>A batch of lines is about to be processed: its planned range goes to the offsets log first.</summary>
    public void Starting(LineBatch batch)
    {
        var id = batch.PlannedId ?? _nextId;
        var started = _ctx.Time.GetTimestamp();
        if (batch.PlannedId is null)
        {
            _checkpoint?.Planned(id, batch.Start, batch.End);
        }
        else
        {
            Log.BatchRepeated(_ctx.Logger, _ctx.Name, id, batch.Lines.Count);
            if (_console)
            {
                WriteText($"-------------------------------------------\nBatch: {id} (repeated after a restart: its results replace those written before)\n-------------------------------------------\n");
            }
        }

        _current = new Current(id, batch, started, _ctx.Time.GetElapsedTime(started));
        _lastEnd = batch.End;
    }

    /// <summary>A result of the composition: a micro-batch kind's batch end, or a per-row kind's rows.</summary>
    public void OnResult(ResultBatch result)
    {
        if (result.BatchId is { } id)
        {
            EndBatch(id, result.Rows, result);
            return;
        }

        // A per-row kind: its rows go out as they come, or with their batch when checkpointed.
        if (HoldsRows)
        {
            for (var i = 0; i < result.Rows.Count; i++)
            {
                // Kept until the batch ends: a reused per-quote row is copied.
                _pending.Add(result.Rows[i].Detach());
            }

            WriteConsole(result);
            return;
        }

        var started = _ctx.Time.GetTimestamp();
        _ctx.Progress.RecordOutput(result.Total ?? result.Rows.Count);
        WriteConsole(result);
        _sinks.WriteBatch(result.Rows);
        if (result.IsTrigger)
        {
            // A processing-time batch of word count or file rows.
            _ctx.Progress.RecordTrigger(_ctx.Time.GetElapsedTime(started));
        }
    }

    /// <summary>A checkpointed per-row kind's batch ended: its last row went through the operators.</summary>
    public void EndedPerRow(LineBatch batch)
    {
        var rows = _pending.ToList();
        _pending.Clear();
        EndBatch(_current?.Id ?? _nextId, rows, null);
    }

    private void WriteConsole(ResultBatch batch)
    {
        if (!_console)
        {
            return;
        }

        if (_kind.Console(batch, _ctx.Definition.Options, _consoleRows, _ctx.Zone) is { } text)
        {
            WriteText(text);
            return;
        }

        // JSON lines: encoded into the tracker's buffer, decoded into characters, copied into the output's queue (or
        // held until the socket read being parsed is done, and written then as one text).
        var utf8 = ResultRow.ToJsonLines(batch.Rows, _json, _jsonBuffer);
        var length = System.Text.Encoding.UTF8.GetMaxCharCount(utf8.Length);
        lock (_consoleGate)
        {
            if (_reading > 0 && length <= MaxHeldChars)
            {
                if (_heldLength + length > MaxHeldChars)
                {
                    // A long read: what is held goes now, so that its first rows do not wait for the whole read.
                    WriteHeld(nowIfIdle: true);
                }

                _heldLength += System.Text.Encoding.UTF8.GetChars(utf8, _held.AsSpan(_heldLength));
                return;
            }

            WriteHeld();
            if (length > MaxKeptChars)
            {
                // A large batch: a pooled buffer, not one kept by every pipeline from then on.
                var rented = ArrayPool<char>.Shared.Rent(length);
                try
                {
                    _ctx.Output.Write(rented.AsSpan(0, System.Text.Encoding.UTF8.GetChars(utf8, rented)));
                }
                finally
                {
                    ArrayPool<char>.Shared.Return(rented);
                }

                return;
            }

            if (_jsonChars.Length < length)
            {
                _jsonChars = new char[Math.Min(MaxKeptChars, Math.Max(length, _jsonChars.Length * 2))];
            }

            _ctx.Output.Write(_jsonChars.AsSpan(0, System.Text.Encoding.UTF8.GetChars(utf8, _jsonChars)));
        }
    }

    /// <summary>The source starts parsing one read's lines: per-row JSON lines are held until it is done.</summary>
    public void ReadStarted()
    {
        lock (_consoleGate)
        {
            _reading++;
        }
    }

    /// <summary>
    /// The read's lines are parsed: what they wrote to the console goes out as one text, on this thread when the output is
    /// idle (one write for the read, no thread woken for it).
    /// </summary>
    public void ReadEnded()
    {
        lock (_consoleGate)
        {
            if (--_reading == 0)
            {
                WriteHeld(nowIfIdle: true);
            }
        }
    }

    /// <summary>Writes a text to the console after what is held, in order.</summary>
    private void WriteText(string text)
    {
        lock (_consoleGate)
        {
            WriteHeld();
            _ctx.Output.Write(text);
        }
    }

    /// <summary>Hands what is held to the output (under the console gate): queued, or written at once when the output is idle.</summary>
    private void WriteHeld(bool nowIfIdle = false)
    {
        if (_heldLength > 0)
        {
            if (nowIfIdle)
            {
                _ctx.Output.WriteNowIfIdle(_held.AsSpan(0, _heldLength));
            }
            else
            {
                _ctx.Output.Write(_held.AsSpan(0, _heldLength));
            }

            _heldLength = 0;
        }
    }

    private void EndBatch(long id, IReadOnlyList<ResultRow> rows, ResultBatch? result)
    {
        var current = _current is { } c && c.Id == id ? c : null;
        var started = current?.Started ?? _ctx.Time.GetTimestamp();
        if (current is null)
        {
            // A batch the operator ran without new lines (a no-data batch, the end of the input, an idle flush): its
            // range is empty, at the last position.
            _checkpoint?.Planned(id, _lastEnd, _lastEnd);
        }

        _current = null;
        if (id >= _nextId)
        {
            _nextId = id + 1;
        }

        var addStarted = _ctx.Time.GetTimestamp();
        _ctx.Progress.RecordOutput(rows.Count);
        if (result is not null)
        {
            WriteConsole(result);
        }

        _sinks.WriteBatch(rows, _checkpoint is null ? null : id);
        var addBatch = _ctx.Time.GetElapsedTime(addStarted);
        var commitStarted = _ctx.Time.GetTimestamp();
        if (_checkpoint is not null)
        {
            // The sinks hold the batch before it is committed: a crash before the commit re-runs it, and the sinks
            // replace what it wrote (tables by window and key, a file per batch).
            var tables = _sinks.Commit();
            _checkpoint.Committed(id, _state?.Snapshot(), tables, rows.Count);
        }

        var commit = _ctx.Time.GetElapsedTime(commitStarted);
        if (result?.LastHourAverage is { } lastHour)
        {
            _ctx.Progress.SetLastHourAverage(lastHour);
        }

        var total = _ctx.Time.GetElapsedTime(started);
        _ctx.Progress.RecordTrigger(total);
        Report(id, current, result, rows.Count, started, addBatch, commit, total);
    }

    private void Report(long id, Current? current, ResultBatch? result, int outputRows, long startedTicks, TimeSpan addBatch, TimeSpan commit, TimeSpan total)
    {
        var inputRows = (long?)current?.Batch.Lines.Count ?? result?.Progress?.NumInputRows ?? 0;
        var now = _ctx.Time.GetUtcNow();
        var sincePrevious = _previousStartTicks == long.MinValue ? TimeSpan.Zero : TimeSpan.FromTicks(now.UtcTicks - _previousStartTicks);
        _previousStartTicks = now.UtcTicks - total.Ticks;
        var inputRate = sincePrevious > TimeSpan.Zero ? inputRows / sincePrevious.TotalSeconds : 0;
        var processedRate = total > TimeSpan.Zero ? inputRows / total.TotalSeconds : 0;
        var durations = new Dictionary<string, long>(StringComparer.Ordinal)
        {
            ["walCommit"] = (long)(current?.Wal.TotalMilliseconds ?? 0),
            ["addBatch"] = (long)addBatch.TotalMilliseconds,
            ["commitOffsets"] = (long)commit.TotalMilliseconds,
            ["triggerExecution"] = (long)total.TotalMilliseconds,
        };
        var eventTime = new Dictionary<string, string>(StringComparer.Ordinal);
        var operators = new List<StateOperatorProgress>();
        if (result?.Progress is { } p)
        {
            Put(eventTime, "min", p.EventTimeMinTicks);
            Put(eventTime, "max", p.EventTimeMaxTicks);
            Put(eventTime, "avg", p.EventTimeAvgTicks);
            Put(eventTime, "watermark", p.WatermarkTicks);
            operators.Add(new StateOperatorProgress("eventTimeWindow", p.NumRowsTotal, p.NumRowsUpdated, p.NumRowsDroppedByWatermark));
        }
        else
        {
            if (_ctx.Progress.Watermark is { } watermark)
            {
                eventTime["watermark"] = ResultRow.FormatTime(watermark);
            }

            if (_ctx.Progress.MaxEventTime is { } max)
            {
                eventTime["max"] = ResultRow.FormatTime(max);
            }

            operators.Add(new StateOperatorProgress(_kind.Name, _ctx.Progress.StateRows, 0, 0));
        }

        var range = current?.Batch;
        var progress = new QueryProgress(
            _ctx.Name,
            id,
            new DateTimeOffset(now.UtcTicks - total.Ticks, TimeSpan.Zero),
            inputRows,
            Math.Round(inputRate, 3),
            Math.Round(processedRate, 3),
            durations,
            eventTime,
            operators,
            [new SourceProgress(
                _sourceDescription + (_ctx.Progress.SourceCanReplay == false ? " (cannot replay: at-most-once)" : ""),
                range is null ? Offset(_lastEnd) : Offset(range.Start),
                range is null ? Offset(_lastEnd) : Offset(range.End),
                inputRows,
                Math.Round(inputRate, 3),
                Math.Round(processedRate, 3))],
            new SinkProgress(string.Join(", ", _ctx.Definition.Sinks.Select(s => s.Kind)), outputRows));
        _ctx.Progress.RecordBatch(progress);
        Log.BatchProgress(_ctx.Logger, _ctx.Name, id, JsonSerializer.Serialize(progress, ProgressJson));
    }

    /// <summary>Progress as Spark writes it: camelCase JSON.</summary>
    internal static readonly JsonSerializerOptions ProgressJson = new(JsonSerializerDefaults.Web);

    internal static JsonObject? Offset(SourcePosition position)
    {
        if (position.Partitions is { } partitions)
        {
            // As Spark's Kinesis source: per shard, the last sequence number taken.
            var shards = new JsonObject();
            foreach (var (partition, sequence) in partitions.Map)
            {
                shards[partition] = sequence;
            }

            return new JsonObject { ["records"] = position.Line, ["shards"] = shards };
        }

        return position.Line == 0 && position.Offset == 0
            ? null
            : new JsonObject { ["origin"] = position.Origin, ["line"] = position.Line, ["offset"] = position.Offset };
    }

    private static void Put(Dictionary<string, string> map, string key, long? ticks)
    {
        if (ticks is { } t && t != long.MinValue && t != long.MaxValue)
        {
            map[key] = ResultRow.FormatTime(new DateTimeOffset(t, TimeSpan.Zero));
        }
    }

    private sealed record Current(long Id, LineBatch Batch, long Started, TimeSpan Wal);
}

using System.Collections.Concurrent;
using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using Reactive.Host.Progress;

namespace Reactive.Host.DeadLetters;

/// <summary>Options of the recent dead letters kept for <c>GET /api/deadletters</c> (section <c>DeadLetters</c>).</summary>
public sealed class DeadLetterOptions
{
    /// <summary>The configuration section name.</summary>
    public const string SectionName = "DeadLetters";

    /// <summary>Dead letters kept per pipeline (the newest).</summary>
    /// <value>The default value is 1,000.</value>
    [Range(1, 1_000_000)]
    public int Capacity { get; set; } = 1_000;

    /// <summary>Characters of the rejected raw input kept per dead letter.</summary>
    /// <value>The default value is 2,000.</value>
    [Range(16, 1_000_000)]
    public int MaxRawLength { get; set; } = 2_000;
}

/// <summary>One rejected row as <c>GET /api/deadletters</c> shows it.</summary>
/// <param name="Time">When it was rejected (processing time).</param>
/// <param name="Pipeline">The pipeline.</param>
/// <param name="Code">The short stable code of the reason.</param>
/// <param name="Reason">The reason, for people.</param>
/// <param name="Raw">The raw input, cut at <see cref="DeadLetterOptions.MaxRawLength"/> characters.</param>
/// <param name="Line">The line number in its origin, 0 when unknown.</param>
/// <param name="Origin">Where it came from (file, socket, stream), when known.</param>
public sealed record DeadLetterEntry(DateTimeOffset Time, string Pipeline, string Code, string Reason, string? Raw, long Line, string? Origin);

/// <summary>The newest dead letters of every pipeline, in a bounded ring per pipeline. Thread-safe.</summary>
public sealed class DeadLetterStore
{
    private readonly ConcurrentDictionary<string, Ring> _rings = new(StringComparer.Ordinal);
    private readonly DeadLetterOptions _options;
    private readonly PipelineProgressRegistry _registry;
    private readonly TimeProvider _timeProvider;

    /// <summary>Creates the store.</summary>
    public DeadLetterStore(IOptions<DeadLetterOptions> options, PipelineProgressRegistry registry, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _registry = registry;
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <summary>
    /// Records a dead letter of <paramref name="pipeline"/> and counts it in the pipeline's progress
    /// when the pipeline is registered (<see cref="PipelineProgress.RecordDeadLetter"/>; do not count it there again).
    /// </summary>
    public void Add(string pipeline, string code, string reason, string? raw = null, long line = 0, string? origin = null)
    {
        Keep(pipeline, code, reason, raw, line, origin);
        // A name the registry does not know is kept here but not invented there: an unknown
        // pipeline would otherwise stay "Starting" and keep /healthz from ever being ready.
        _registry.Find(pipeline)?.RecordDeadLetter(code);
    }

    /// <summary>
    /// Keeps a row that came after its windows were final (code <c>late</c>), so that
    /// <c>GET /api/deadletters</c> shows it with its reason; it is counted as late
    /// (<see cref="PipelineProgress.RecordLate"/>), by the caller, not as a dead letter.
    /// </summary>
    public void AddLate(string pipeline, string reason, string? raw = null, long line = 0, string? origin = null) =>
        Keep(pipeline, "late", reason, raw, line, origin);

    private void Keep(string pipeline, string code, string reason, string? raw, long line, string? origin)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentNullException.ThrowIfNull(code);
        if (raw is not null && raw.Length > _options.MaxRawLength)
        {
            raw = raw[.._options.MaxRawLength];
        }

        var entry = new DeadLetterEntry(_timeProvider.GetUtcNow(), pipeline, code, reason ?? string.Empty, raw, line, origin);
        _rings.GetOrAdd(pipeline, static (_, capacity) => new Ring(capacity), _options.Capacity).Add(entry);
    }

    /// <summary>The newest dead letters, newest first: of one pipeline, or of all when <paramref name="pipeline"/> is null.</summary>
    public IReadOnlyList<DeadLetterEntry> Recent(string? pipeline = null, int max = 100)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(max);
        IEnumerable<DeadLetterEntry> entries = pipeline is null
            ? _rings.Values.SelectMany(r => r.Snapshot())
            : _rings.TryGetValue(pipeline, out var ring) ? ring.Snapshot() : [];
        return [.. entries.OrderByDescending(e => e.Time).Take(max)];
    }

    private sealed class Ring(int capacity)
    {
        private readonly DeadLetterEntry[] _items = new DeadLetterEntry[capacity];
        private readonly Lock _lock = new();
        private int _next;
        private int _count;

        public void Add(DeadLetterEntry entry)
        {
            lock (_lock)
            {
                _items[_next] = entry;
                _next = (_next + 1) % _items.Length;
                _count = Math.Min(_count + 1, _items.Length);
            }
        }

        public List<DeadLetterEntry> Snapshot()
        {
            lock (_lock)
            {
                var result = new List<DeadLetterEntry>(_count);
                for (var i = 1; i <= _count; i++)
                {
                    result.Add(_items[(_next - i + _items.Length) % _items.Length]);
                }

                return result;
            }
        }
    }
}

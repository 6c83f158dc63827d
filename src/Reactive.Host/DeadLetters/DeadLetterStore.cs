using System.Collections.Concurrent;
using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

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

    /// <summary>
    /// How often a pipeline's rejected rows are summarised in the log (counts by code and the last
    /// reason); the first rejection after a quiet interval is logged at once.
    /// </summary>
    /// <value>The default value is 10 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.100", "1.00:00:00")]
    public TimeSpan LogInterval { get; set; } = TimeSpan.FromSeconds(10);
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

/// <summary>
/// The newest dead letters of every pipeline, in a bounded ring per pipeline; each one is also
/// counted (<see cref="IDeadLetterCounter"/>) and logged at a bounded rate (<see cref="RejectionLog"/>). Thread-safe.
/// </summary>
public sealed class DeadLetterStore
{
    private readonly ConcurrentDictionary<string, Ring> _rings = new(StringComparer.Ordinal);
    private readonly DeadLetterOptions _options;
    private readonly IDeadLetterCounter? _counter;
    private readonly TimeProvider _timeProvider;
    private readonly RejectionLog? _log;

    /// <summary>Creates the store.</summary>
    /// <param name="options">The options.</param>
    /// <param name="counter">Where dead letters are counted (the progress registry); none when null.</param>
    /// <param name="timeProvider">The clock of the entries' times.</param>
    /// <param name="log">Where rejections are logged; not logged when null.</param>
    public DeadLetterStore(IOptions<DeadLetterOptions> options, IDeadLetterCounter? counter = null, TimeProvider? timeProvider = null, RejectionLog? log = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _counter = counter;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _log = log;
    }

    /// <summary>
    /// Records a dead letter of <paramref name="pipeline"/>, counts it (<see cref="IDeadLetterCounter"/>;
    /// do not count it again) and logs it through the <see cref="RejectionLog"/> (do not log it again).
    /// </summary>
    public void Add(string pipeline, string code, string reason, string? raw = null, long line = 0, string? origin = null)
    {
        Keep(pipeline, code, reason, raw, line, origin);
        _counter?.CountDeadLetter(pipeline, code);
        _log?.Record(pipeline, code, reason ?? string.Empty);
    }

    /// <summary>
    /// Keeps a row that came after its windows were final (code <c>late</c>), so that
    /// <c>GET /api/deadletters</c> shows it with its reason, and logs it in the rejection summary;
    /// it is counted as late by the caller, not as a dead letter.
    /// </summary>
    public void AddLate(string pipeline, string reason, string? raw = null, long line = 0, string? origin = null)
    {
        Keep(pipeline, "late", reason, raw, line, origin);
        _log?.Record(pipeline, "late", reason ?? string.Empty);
    }

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

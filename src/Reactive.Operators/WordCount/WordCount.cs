using Reactive.Operators.Batching;
using System.Reactive.Concurrency;

namespace Reactive.Operators.WordCount;

/// <summary>A word and how often it occurred in a batch.</summary>
public readonly record struct WordFrequency(string Word, long Count);

/// <summary>The word counts of one batch, most frequent first (ties in ordinal order of the word).</summary>
public sealed record WordCounts(IReadOnlyList<WordFrequency> Words, long TotalWords);

/// <summary>Options of the word count.</summary>
public sealed class WordCountOptions
{
    /// <summary>The processing-time batch interval.</summary>
    /// <value>The default value is 10 seconds, as the course's <c>StreamingContext(sc, 10)</c>.</value>
    public TimeSpan BatchInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The most distinct words one batch may hold; past it the pipeline fails and says to raise this option.</summary>
    /// <value>The default value is 1,000,000.</value>
    public int MaxDistinctWords { get; set; } = 1_000_000;
}

/// <summary>The course's first example: <c>lines.flatMap(split(" ")).map((w, 1)).reduceByKey(+)</c> per batch.</summary>
public static class WordCountExtensions
{
    /// <summary>
    /// Counts the words of each <see cref="WordCountOptions.BatchInterval"/> batch of lines. Words
    /// are split on spaces and tabs; empty tokens (runs of spaces) are not words — where Spark's
    /// <c>split(" ")</c> would count <c>''</c>, we do not.
    /// </summary>
    public static IObservable<TimeBatch<WordCounts>> CountWords(this IObservable<string> lines, WordCountOptions options, IScheduler scheduler)
    {
        ArgumentNullException.ThrowIfNull(lines);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(scheduler);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.BatchInterval, TimeSpan.Zero, nameof(options.BatchInterval));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.MaxDistinctWords, nameof(options.MaxDistinctWords));
        var max = options.MaxDistinctWords;
        return lines.BatchByTime(options.BatchInterval, scheduler, () => new WordCountAccumulator(max));
    }
}

/// <summary>Counts words of lines, reusing its dictionary from batch to batch; a known word costs no allocation.</summary>
internal sealed class WordCountAccumulator : IBatchAccumulator<string, WordCounts>
{
    private readonly Dictionary<string, long> _counts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private readonly int _maxDistinctWords;
    private long _total;

    /// <summary>Creates an accumulator that holds at most <paramref name="maxDistinctWords"/> words per batch.</summary>
    public WordCountAccumulator(int maxDistinctWords = 1_000_000)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxDistinctWords);
        _maxDistinctWords = maxDistinctWords;
        _lookup = _counts.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <inheritdoc />
    public void Add(string item)
    {
        ArgumentNullException.ThrowIfNull(item);
        var rest = item.AsSpan();
        while (!rest.IsEmpty)
        {
            var cut = rest.IndexOfAny(' ', '\t');
            var word = cut < 0 ? rest : rest[..cut];
            rest = cut < 0 ? [] : rest[(cut + 1)..];
            if (word.IsEmpty)
            {
                continue;
            }

            if (_lookup.TryGetValue(word, out var n))
            {
                _lookup[word] = n + 1;
            }
            else
            {
                if (_counts.Count >= _maxDistinctWords)
                {
                    throw new BoundExceededException(
                        nameof(WordCountOptions),
                        nameof(WordCountOptions.MaxDistinctWords),
                        $"A batch holds more than {_maxDistinctWords} distinct words; raise the pipeline option MaxDistinctWords or shorten BatchInterval.");
                }

                _lookup[word] = 1;
            }

            _total++;
        }
    }

    /// <inheritdoc />
    public WordCounts Complete()
    {
        var words = new WordFrequency[_counts.Count];
        var i = 0;
        foreach (var (word, count) in _counts)
        {
            words[i++] = new WordFrequency(word, count);
        }

        Array.Sort(words, static (a, b) => a.Count != b.Count ? b.Count.CompareTo(a.Count) : string.CompareOrdinal(a.Word, b.Word));
        var result = new WordCounts(words, _total);
        _counts.Clear();
        _total = 0;
        return result;
    }
}

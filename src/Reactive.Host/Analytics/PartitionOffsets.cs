using System.Collections.Immutable;

namespace Reactive.Host.Analytics;

/// <summary>
/// A partitioned source's position (Kinesis): for each partition (a line's <see cref="Reactive.Sources.SourceLine.Origin"/>,
/// a shard) the sequence number of the last record taken from it. Compared by value.
/// </summary>
internal sealed class PartitionOffsets : IEquatable<PartitionOffsets>
{
    /// <summary>No partition read yet.</summary>
    public static readonly PartitionOffsets Empty = new(ImmutableSortedDictionary.Create<string, string>(StringComparer.Ordinal));

    private readonly ImmutableSortedDictionary<string, string> _map;

    private PartitionOffsets(ImmutableSortedDictionary<string, string> map) => _map = map;

    /// <summary>The partitions and their last sequence numbers, in ordinal order of the partition.</summary>
    public IReadOnlyDictionary<string, string> Map => _map;

    /// <summary>The number of partitions.</summary>
    public int Count => _map.Count;

    /// <summary>The position with <paramref name="partition"/> at <paramref name="sequence"/>.</summary>
    public PartitionOffsets With(string partition, string sequence) => new(_map.SetItem(partition, sequence));

    /// <summary>The partitions of <paramref name="map"/>.</summary>
    public static PartitionOffsets Of(IEnumerable<KeyValuePair<string, string>> map) => new(Empty._map.SetItems(map));

    /// <summary>The last sequence number taken from <paramref name="partition"/>, or null when none was.</summary>
    public string? Of(string partition) => _map.TryGetValue(partition, out var s) ? s : null;

    /// <summary>Compares two sequence numbers (decimal integers of any length) as numbers.</summary>
    public static int CompareSequences(string a, string b)
    {
        var x = a.AsSpan().TrimStart('0');
        var y = b.AsSpan().TrimStart('0');
        return x.Length != y.Length ? x.Length.CompareTo(y.Length) : x.SequenceCompareTo(y);
    }

    public bool Equals(PartitionOffsets? other) =>
        other is not null && other._map.Count == _map.Count && _map.All(p => other._map.TryGetValue(p.Key, out var s) && s == p.Value);

    public override bool Equals(object? obj) => Equals(obj as PartitionOffsets);

    public override int GetHashCode()
    {
        var hash = default(HashCode);
        foreach (var (key, value) in _map)
        {
            hash.Add(key);
            hash.Add(value);
        }

        return hash.ToHashCode();
    }

    public override string ToString() => string.Join(", ", _map.Select(p => $"{p.Key}@{p.Value}"));
}

namespace Reactive.Host.Analytics;

/// <summary>The values of the group-by columns of one row, compared and ordered ordinally, nulls first.</summary>
internal sealed class GroupKey(string?[] values) : IEquatable<GroupKey>, IComparable<GroupKey>
{
    public static readonly GroupKey Empty = new([]);

    public IReadOnlyList<string?> Values => values;

    public bool Equals(GroupKey? other)
    {
        if (other is null || other.Values.Count != values.Length)
        {
            return false;
        }

        for (var i = 0; i < values.Length; i++)
        {
            if (!string.Equals(values[i], other.Values[i], StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    public override bool Equals(object? obj) => Equals(obj as GroupKey);

    public override int GetHashCode()
    {
        var hash = default(HashCode);
        foreach (var v in values)
        {
            hash.Add(v, StringComparer.Ordinal);
        }

        return hash.ToHashCode();
    }

    public int CompareTo(GroupKey? other)
    {
        if (other is null)
        {
            return 1;
        }

        for (var i = 0; i < Math.Min(values.Length, other.Values.Count); i++)
        {
            var c = string.CompareOrdinal(values[i], other.Values[i]);
            if (c != 0)
            {
                return c;
            }
        }

        return values.Length.CompareTo(other.Values.Count);
    }

    public override string ToString() => string.Join(",", values);
}

namespace Reactive.Host.Analytics;

/// <summary>The values of the group-by columns of one row, compared and ordered ordinally, nulls first.</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(GroupKeyJsonConverter))]
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

/// <summary>A <see cref="GroupKey"/> in a checkpoint: the array of its values.</summary>
internal sealed class GroupKeyJsonConverter : System.Text.Json.Serialization.JsonConverter<GroupKey>
{
    public override GroupKey Read(ref System.Text.Json.Utf8JsonReader reader, Type typeToConvert, System.Text.Json.JsonSerializerOptions options)
    {
        var values = System.Text.Json.JsonSerializer.Deserialize<string?[]>(ref reader, options) ?? [];
        return values.Length == 0 ? GroupKey.Empty : new GroupKey(values);
    }

    public override void Write(System.Text.Json.Utf8JsonWriter writer, GroupKey value, System.Text.Json.JsonSerializerOptions options) =>
        System.Text.Json.JsonSerializer.Serialize(writer, value.Values, options);
}

using System.Globalization;
using System.Text;

namespace Reactive.Operators.Parsing;

/// <summary>
/// A row read with a <see cref="RowSchema"/>. Values are stored typed (numbers, bools and timestamps
/// in a <c>long[]</c>, text in a <c>string[]</c>); any field may be null unless it is required.
/// </summary>
public sealed class Row
{
    private readonly long[] _numbers;
    private readonly string?[] _strings;
    private readonly bool[] _present;

    /// <summary>Creates an empty row (every field null) for <paramref name="schema"/>.</summary>
    public Row(RowSchema schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        Schema = schema;
        _numbers = new long[schema.Count];
        _strings = new string?[schema.Count];
        _present = new bool[schema.Count];
    }

    /// <summary>The schema of the row.</summary>
    public RowSchema Schema { get; }

    /// <summary>The number of fields.</summary>
    public int Count => _present.Length;

    /// <summary>Whether field <paramref name="index"/> is null.</summary>
    public bool IsNull(int index) => !_present[index];

    /// <summary>Whether field <paramref name="name"/> is null.</summary>
    public bool IsNull(string name) => !_present[Schema.RequireIndex(name)];

    /// <summary>Reads a string field; false when null.</summary>
    public bool TryGetString(int index, out string value)
    {
        Check(index, FieldType.String);
        value = _strings[index] ?? string.Empty;
        return _present[index];
    }

    /// <summary>Reads a long field; false when null.</summary>
    public bool TryGetLong(int index, out long value)
    {
        Check(index, FieldType.Long);
        value = _numbers[index];
        return _present[index];
    }

    /// <summary>Reads a double field (a long field is widened); false when null.</summary>
    public bool TryGetDouble(int index, out double value)
    {
        var type = Schema[index].Type;
        if (type == FieldType.Long)
        {
            value = _numbers[index];
            return _present[index];
        }

        Check(index, FieldType.Double);
        value = BitConverter.Int64BitsToDouble(_numbers[index]);
        return _present[index];
    }

    /// <summary>Reads a bool field; false when null.</summary>
    public bool TryGetBool(int index, out bool value)
    {
        Check(index, FieldType.Bool);
        value = _numbers[index] != 0;
        return _present[index];
    }

    /// <summary>Reads a timestamp field as UTC ticks; false when null.</summary>
    public bool TryGetTimestampTicks(int index, out long utcTicks)
    {
        Check(index, FieldType.Timestamp);
        utcTicks = _numbers[index];
        return _present[index];
    }

    /// <summary>Reads a timestamp field as a UTC instant; false when null.</summary>
    public bool TryGetTimestamp(int index, out DateTimeOffset value)
    {
        bool present = TryGetTimestampTicks(index, out long ticks);
        value = present ? new DateTimeOffset(ticks, TimeSpan.Zero) : default;
        return present;
    }

    /// <summary>Reads a string field; throws when it is null.</summary>
    public string GetString(string name) => TryGetString(Schema.RequireIndex(name), out var v) ? v : throw Null(name);

    /// <summary>Reads a long field; throws when it is null.</summary>
    public long GetLong(string name) => TryGetLong(Schema.RequireIndex(name), out var v) ? v : throw Null(name);

    /// <summary>Reads a double (or long) field; throws when it is null.</summary>
    public double GetDouble(string name) => TryGetDouble(Schema.RequireIndex(name), out var v) ? v : throw Null(name);

    /// <summary>Reads a bool field; throws when it is null.</summary>
    public bool GetBool(string name) => TryGetBool(Schema.RequireIndex(name), out var v) ? v : throw Null(name);

    /// <summary>Reads a timestamp field as a UTC instant; throws when it is null.</summary>
    public DateTimeOffset GetTimestamp(string name) => TryGetTimestamp(Schema.RequireIndex(name), out var v) ? v : throw Null(name);

    /// <summary>The value of field <paramref name="index"/>, boxed (string, long, double, bool or UTC DateTimeOffset), or null.</summary>
    public object? GetValue(int index)
    {
        if (!_present[index])
        {
            return null;
        }

        return Schema[index].Type switch
        {
            FieldType.String => _strings[index],
            FieldType.Long => _numbers[index],
            FieldType.Double => BitConverter.Int64BitsToDouble(_numbers[index]),
            FieldType.Bool => _numbers[index] != 0,
            _ => new DateTimeOffset(_numbers[index], TimeSpan.Zero),
        };
    }

    /// <summary>The value of field <paramref name="name"/>, boxed, or null.</summary>
    public object? this[string name] => GetValue(Schema.RequireIndex(name));

    /// <inheritdoc />
    public override string ToString()
    {
        var text = new StringBuilder("{");
        for (int i = 0; i < Count; i++)
        {
            text.Append(i == 0 ? " " : ", ").Append(Schema[i].Name).Append(": ");
            text.Append(GetValue(i) switch
            {
                null => "null",
                DateTimeOffset t => t.ToString("O", CultureInfo.InvariantCulture),
                IFormattable v => v.ToString(null, CultureInfo.InvariantCulture),
                var v => v.ToString(),
            });
        }

        return text.Append(" }").ToString();
    }

    internal void Clear(int index)
    {
        _present[index] = false;
        _strings[index] = null;
        _numbers[index] = 0;
    }

    internal void SetString(int index, string value)
    {
        _strings[index] = value;
        _present[index] = true;
    }

    internal void SetBits(int index, long bits)
    {
        _numbers[index] = bits;
        _present[index] = true;
    }

    private void Check(int index, FieldType expected)
    {
        var field = Schema[index];
        if (field.Type != expected)
        {
            throw new InvalidOperationException($"Field '{field.Name}' is {field.Type}, not {expected}.");
        }
    }

    private static InvalidOperationException Null(string name) => new($"Field '{name}' is null.");
}

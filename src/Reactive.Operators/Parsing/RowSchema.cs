using System.Globalization;
using System.Text;

namespace Reactive.Operators.Parsing;

/// <summary>The type of a <see cref="SchemaField"/>.</summary>
public enum FieldType
{
    /// <summary>Text.</summary>
    String,

    /// <summary>A 64-bit integer.</summary>
    Long,

    /// <summary>A finite double (NaN and infinities are rejected as <c>non_finite</c>).</summary>
    Double,

    /// <summary><c>true</c>/<c>false</c> (any case) or <c>1</c>/<c>0</c>.</summary>
    Bool,

    /// <summary>An instant, kept as UTC ticks; read with <see cref="SchemaField.TimestampFormat"/> in <see cref="SchemaField.TimeZone"/>.</summary>
    Timestamp,
}

/// <summary>One field of a <see cref="RowSchema"/>.</summary>
/// <param name="Name">The field name (a CSV header name or a JSON property name; matched exactly, case-sensitive).</param>
/// <param name="Type">The field type.</param>
public sealed record SchemaField(string Name, FieldType Type)
{
    /// <summary>The <see cref="TimestampFormat"/> for ISO 8601 text (an offset or <c>Z</c> in the text wins over <see cref="TimeZone"/>).</summary>
    public const string IsoFormat = "iso";

    /// <summary>The <see cref="TimestampFormat"/> for Unix seconds (a number, UTC).</summary>
    public const string UnixSecondsFormat = "unix_s";

    /// <summary>The <see cref="TimestampFormat"/> for Unix milliseconds (a number, UTC).</summary>
    public const string UnixMillisecondsFormat = "unix_ms";

    /// <summary>Whether a row without a value for this field is rejected (<c>missing_field</c>) instead of holding null.</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool Required { get; init; }

    /// <summary>For <see cref="FieldType.Timestamp"/>: a .NET custom format (for example <c>yyyy-MM-ddTHH:mm:ss</c>), <c>iso</c>, <c>unix_s</c> or <c>unix_ms</c>.</summary>
    /// <value>The default value is <c>iso</c>.</value>
    public string TimestampFormat { get; init; } = IsoFormat;

    /// <summary>For <see cref="FieldType.Timestamp"/>: the zone of times written without an offset.</summary>
    /// <value>The default value is UTC.</value>
    public TimeZoneInfo TimeZone { get; init; } = TimeZoneInfo.Utc;
}

/// <summary>An ordered list of typed fields that CSV and JSON-lines rows are read with.</summary>
public sealed class RowSchema
{
    private readonly SchemaField[] _fields;
    private readonly Dictionary<string, int> _indexes;

    /// <summary>Creates a schema; names must be unique and non-empty.</summary>
    public RowSchema(IEnumerable<SchemaField> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        _fields = [.. fields];
        if (_fields.Length == 0)
        {
            throw new ArgumentException("A schema needs at least one field.", nameof(fields));
        }

        _indexes = new Dictionary<string, int>(StringComparer.Ordinal);
        Utf8Names = new byte[_fields.Length][];
        for (int i = 0; i < _fields.Length; i++)
        {
            var field = _fields[i] ?? throw new ArgumentException($"Field {i} is null.", nameof(fields));
            if (string.IsNullOrEmpty(field.Name))
            {
                throw new ArgumentException($"Field {i} has no name.", nameof(fields));
            }

            if (!_indexes.TryAdd(field.Name, i))
            {
                throw new ArgumentException($"Field name '{field.Name}' appears twice.", nameof(fields));
            }

            if (field.Type == FieldType.Timestamp)
            {
                ArgumentException.ThrowIfNullOrWhiteSpace(field.TimestampFormat, $"{nameof(fields)}[{field.Name}].{nameof(SchemaField.TimestampFormat)}");
                ArgumentNullException.ThrowIfNull(field.TimeZone, $"{nameof(fields)}[{field.Name}].{nameof(SchemaField.TimeZone)}");
                RequireUsableFormat(field, $"{nameof(fields)}[{field.Name}].{nameof(SchemaField.TimestampFormat)}");
            }

            Utf8Names[i] = Encoding.UTF8.GetBytes(field.Name);
        }
    }

    /// <summary>Creates a schema from fields.</summary>
    public RowSchema(params SchemaField[] fields)
        : this((IEnumerable<SchemaField>)fields)
    {
    }

    // A custom format that .NET cannot read ("%", "x") makes every parse throw FormatException, which would end the
    // pipeline at its first row: refuse it here, where it is a configuration error naming the field.
    private static void RequireUsableFormat(SchemaField field, string paramName)
    {
        string format = field.TimestampFormat;
        if (format is SchemaField.IsoFormat or SchemaField.UnixSecondsFormat or SchemaField.UnixMillisecondsFormat)
        {
            return;
        }

        try
        {
            string sample = new DateTime(2001, 2, 3, 4, 5, 6, DateTimeKind.Unspecified).ToString(format, CultureInfo.InvariantCulture);
            DateTime.TryParseExact(sample, format, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.NoCurrentDateDefault, out _);
        }
        catch (FormatException e)
        {
            throw new ArgumentException($"Field '{field.Name}': '{format}' is not a usable .NET date and time format ({e.Message}).", paramName, e);
        }
    }

    /// <summary>The fields, in order.</summary>
    public IReadOnlyList<SchemaField> Fields => _fields;

    /// <summary>The number of fields.</summary>
    public int Count => _fields.Length;

    internal byte[][] Utf8Names { get; }

    /// <summary>The field at <paramref name="index"/>.</summary>
    public SchemaField this[int index] => _fields[index];

    /// <summary>The index of the field named <paramref name="name"/>, or −1.</summary>
    public int IndexOf(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _indexes.TryGetValue(name, out int i) ? i : -1;
    }

    /// <summary>The index of the field named <paramref name="name"/>; throws when there is none.</summary>
    public int RequireIndex(string name) =>
        IndexOf(name) is var i and >= 0 ? i : throw new KeyNotFoundException($"The schema has no field '{name}'.");
}

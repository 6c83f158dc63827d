using Reactive.Operators.Anomaly;
using Reactive.Operators.Parsing;
using Reactive.Operators.Spread;
using Reactive.Operators.Windows;

namespace Reactive.Host.Analytics;

/// <summary>The spread pipeline (Exercise 1): BBO quotes in, per-second and per-minute spread windows out.</summary>
internal sealed record SpreadSettings(SpreadOptions Options, TimeZoneInfo Zone, bool EmitQuotes);

/// <summary>The anomaly pipeline (Exercise 2): hourly prices in, anomalies out.</summary>
internal sealed record AnomalySettings(AnomalyOptions Options, TimeZoneInfo Zone);

/// <summary>Input format of the generic aggregate pipeline.</summary>
internal enum RowFormat
{
    JsonLines,
    Csv,
}

/// <summary>
/// The general case, Spark's <c>withWatermark(t, d).groupBy(window(t, …), keys).agg(…)</c>: rows
/// with a declared schema, windows, keys, aggregates, watermark and output mode.
/// </summary>
internal sealed record AggregateSettings(
    RowFormat Format,
    bool CsvHeader,
    string TimeField,
    string TimeFormat,
    TimeZoneInfo TimeZone,
    IReadOnlyList<string> GroupBy,
    IReadOnlyList<AggregateSpec> Aggregates,
    TimeSpan Window,
    TimeSpan? Slide,
    TimeSpan StartOffset,
    TimeSpan Watermark,
    WindowOutputMode OutputMode,
    TimeSpan Trigger,
    TimeSpan? IdleTimeout,
    IReadOnlyList<DeclaredField>? DeclaredSchema = null)
{
    /// <summary>
    /// The schema the rows are parsed with. Declared (<see cref="DeclaredSchema"/>): its fields in its order (the columns
    /// of a CSV without header), the time field read with <see cref="TimeFormat"/>; each key and aggregated field must be
    /// declared, aggregated ones as numbers. Not declared: the time field, the keys as text, the aggregated fields as
    /// numbers, in that order.
    /// </summary>
    /// <exception cref="ArgumentException">A field the query uses is not declared, or not of a type it can use (parameter <c>Schema</c>).</exception>
    public RowSchema Schema() => DeclaredSchema is { } declared ? FromDeclared(declared) : Inferred();

    private RowSchema FromDeclared(IReadOnlyList<DeclaredField> declared)
    {
        string Names() => string.Join(", ", declared.Select(f => f.Name));
        var time = declared.FirstOrDefault(f => f.Name == TimeField)
            ?? throw new ArgumentException($"the time field '{TimeField}' is not declared (declared: {Names()})", nameof(Schema));
        if (time.Type != FieldType.Timestamp)
        {
            throw new ArgumentException($"the time field '{TimeField}' is declared {time.Type.ToString().ToLowerInvariant()}; declare it timestamp (read with the time format '{TimeFormat}')", nameof(Schema));
        }

        if (GroupBy.FirstOrDefault(k => declared.All(f => f.Name != k)) is { } undeclared)
        {
            throw new ArgumentException($"the group-by field '{undeclared}' is not declared (declared: {Names()})", nameof(Schema));
        }

        foreach (var spec in Aggregates.Where(a => a.ReadsValue))
        {
            var field = declared.FirstOrDefault(f => f.Name == spec.Field)
                ?? throw new ArgumentException($"{spec.Name} reads '{spec.Field}', which is not declared (declared: {Names()})", nameof(Schema));
            if (field.Type is not (FieldType.Long or FieldType.Double))
            {
                throw new ArgumentException($"{spec.Name} reads '{spec.Field}', declared {field.Type.ToString().ToLowerInvariant()}; aggregates read long or double fields", nameof(Schema));
            }
        }

        return new RowSchema(declared.Select(f => f.Name == TimeField
            ? new SchemaField(f.Name, FieldType.Timestamp) { Required = true, TimestampFormat = TimeFormat, TimeZone = TimeZone }
            : new SchemaField(f.Name, f.Type)));
    }

    private RowSchema Inferred()
    {
        var fields = new List<SchemaField>
        {
            new(TimeField, FieldType.Timestamp) { Required = true, TimestampFormat = TimeFormat, TimeZone = TimeZone },
        };
        foreach (var key in GroupBy.Where(k => k != TimeField))
        {
            fields.Add(new SchemaField(key, FieldType.String));
        }

        foreach (var field in Aggregates.Where(a => a.ReadsValue).Select(a => a.Field).Distinct(StringComparer.Ordinal))
        {
            if (fields.All(f => f.Name != field))
            {
                fields.Add(new SchemaField(field, FieldType.Double));
            }
        }

        return new RowSchema(fields);
    }
}

/// <summary>A field of a declared schema: its name and type, in the order of the columns.</summary>
internal sealed record DeclaredField(string Name, FieldType Type)
{
    /// <summary>What <see cref="TryParseList"/> accepts, for messages.</summary>
    public const string Syntax = "\"name type, ...\" with types string, long, double, bool, timestamp (e.g. \"t timestamp, price double, amount double\")";

    private static readonly Dictionary<string, FieldType> Types = new(StringComparer.OrdinalIgnoreCase)
    {
        ["string"] = FieldType.String,
        ["long"] = FieldType.Long,
        ["bigint"] = FieldType.Long,
        ["int"] = FieldType.Long,
        ["integer"] = FieldType.Long,
        ["double"] = FieldType.Double,
        ["float"] = FieldType.Double,
        ["bool"] = FieldType.Bool,
        ["boolean"] = FieldType.Bool,
        ["timestamp"] = FieldType.Timestamp,
    };

    /// <summary>
    /// Reads a schema as Spark's DDL strings write it, <c>t TIMESTAMP, price DOUBLE, id STRING</c> (types in any case;
    /// <c>name:type</c> also); returns false with the reason when it is not one.
    /// </summary>
    public static bool TryParseList(string text, out IReadOnlyList<DeclaredField> fields, out string? error)
    {
        var list = new List<DeclaredField>();
        fields = list;
        error = null;
        foreach (var part in text.Split(','))
        {
            var words = part.Trim().Split([' ', '\t', ':'], StringSplitOptions.RemoveEmptyEntries);
            if (words.Length != 2)
            {
                error = $"'{part.Trim()}' is not a field; write {Syntax}";
                return false;
            }

            if (!Types.TryGetValue(words[1], out var type))
            {
                error = $"'{words[1]}' (field '{words[0]}') is not a type; write {Syntax}";
                return false;
            }

            if (list.Any(f => f.Name == words[0]))
            {
                error = $"the field '{words[0]}' is declared twice";
                return false;
            }

            list.Add(new DeclaredField(words[0], type));
        }

        return true;
    }
}

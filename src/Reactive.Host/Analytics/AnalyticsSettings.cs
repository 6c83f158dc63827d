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
    TimeSpan? IdleTimeout)
{
    /// <summary>The schema the rows are parsed with: the time field, the keys as text, the aggregated fields as numbers.</summary>
    public RowSchema Schema()
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

using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace Reactive.Host.Analytics;

/// <summary>
/// One result of a pipeline, in the shape every sink understands: an optional event-time window,
/// then named fields in order (keys first, then aggregates named as Spark names them).
/// </summary>
/// <param name="Kind">The result stream within the pipeline (<c>second</c>, <c>minute</c>, <c>anomaly</c>, <c>window</c>…).</param>
/// <param name="WindowStart">The window's start, for windowed results.</param>
/// <param name="WindowEnd">The window's end (exclusive).</param>
/// <param name="Fields">Names and values: string, long, int, double, bool, DateTimeOffset or null.</param>
internal sealed record ResultRow(string Kind, DateTimeOffset? WindowStart, DateTimeOffset? WindowEnd, IReadOnlyList<KeyValuePair<string, object?>> Fields)
{
    /// <summary>ISO-8601 UTC with the precision the value needs, e.g. <c>2014-03-03T14:30:00Z</c> or <c>…:00.033Z</c>.</summary>
    public static string FormatTime(DateTimeOffset time)
    {
        var utc = time.UtcDateTime;
        return utc.Ticks % TimeSpan.TicksPerSecond == 0
            ? utc.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)
            : utc.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);
    }

    /// <summary>The row as one line of JSON: <c>{"window":{"start":…,"end":…}, fields…}</c>.</summary>
    public string ToJson(bool includeKind = false)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            WriteJson(json, includeKind);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public void WriteJson(Utf8JsonWriter json, bool includeKind)
    {
        json.WriteStartObject();
        if (includeKind)
        {
            json.WriteString("kind", Kind);
        }

        if (WindowStart is { } start && WindowEnd is { } end)
        {
            json.WriteStartObject("window");
            json.WriteString("start", FormatTime(start));
            json.WriteString("end", FormatTime(end));
            json.WriteEndObject();
        }

        foreach (var (name, value) in Fields)
        {
            json.WritePropertyName(name);
            WriteValue(json, value);
        }

        json.WriteEndObject();
    }

    private static void WriteValue(Utf8JsonWriter json, object? value)
    {
        switch (value)
        {
            case null: json.WriteNullValue(); break;
            case string s: json.WriteStringValue(s); break;
            case bool b: json.WriteBooleanValue(b); break;
            case int i: json.WriteNumberValue(i); break;
            case long l: json.WriteNumberValue(l); break;
            case double d when double.IsFinite(d): json.WriteNumberValue(d); break;
            case double: json.WriteNullValue(); break;
            case DateTimeOffset t: json.WriteStringValue(FormatTime(t)); break;
            case DateOnly d: json.WriteStringValue(d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)); break;
            default: json.WriteStringValue(Convert.ToString(value, CultureInfo.InvariantCulture)); break;
        }
    }
}

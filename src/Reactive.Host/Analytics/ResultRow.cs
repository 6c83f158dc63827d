using System.Buffers;
using System.Globalization;
using System.Text.Encodings.Web;
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
    /// <summary>
    /// How every JSON line the service writes (results, dead letters) is encoded: text as it is, only what JSON
    /// requires escaped (<c>\"</c>, <c>\\</c>, control characters), so that <c>é</c> stays <c>é</c> and a raw CSV line
    /// with quotes stays readable; the lines go to files and terminals, never into an HTML page.
    /// </summary>
    /// <summary>The micro-batch that produced the row (Spark's <c>batchId</c>), for kinds that run in micro-batches; written first in JSON.</summary>
    public long? BatchId { get; init; }

    /// <summary>The name of the window's JSON object (Spark's <c>window(…).alias(…)</c>).</summary>
    /// <value>The default is <c>window</c>.</value>
    public string WindowName { get; init; } = "window";

    public static readonly JsonWriterOptions JsonLineOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };

    // "yyyy-MM-ddTHH:mm:ss.fffffffZ"; years past 9999 cannot occur in a DateTimeOffset.
    private const int MaxTimeLength = IsoTime.MaxLength;

    /// <summary>ISO-8601 UTC with the precision the value needs, e.g. <c>2014-03-03T14:30:00Z</c> or <c>…:00.033Z</c>.</summary>
    public static string FormatTime(DateTimeOffset time)
    {
        Span<char> text = stackalloc char[MaxTimeLength];
        return new string(text[..FormatTime(time, text)]);
    }

    /// <summary>Writes <see cref="FormatTime(DateTimeOffset)"/>'s text into <paramref name="destination"/> (at least 28 chars); returns its length.</summary>
    public static int FormatTime(DateTimeOffset time, Span<char> destination) => IsoTime.Format(time, destination);

    /// <summary>The row as one line of JSON: <c>{"window":{"start":…,"end":…}, fields…}</c>.</summary>
    public string ToJson(bool includeKind = false)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer, JsonLineOptions))
        {
            WriteJson(json, includeKind);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>
    /// The rows as JSON lines (each <see cref="ToJson"/>'s text and a newline), UTF-8, written through <paramref name="json"/>
    /// into <paramref name="buffer"/>, which the caller keeps from one call to the next (both reset here); the lines are
    /// <paramref name="buffer"/>'s written span, valid until its next use.
    /// </summary>
    public static ReadOnlySpan<byte> ToJsonLines(IReadOnlyList<ResultRow> rows, Utf8JsonWriter json, ArrayBufferWriter<byte> buffer)
    {
        buffer.ResetWrittenCount();
        for (var i = 0; i < rows.Count; i++)
        {
            json.Reset(buffer);
            rows[i].WriteJson(json, includeKind: false);
            json.Flush();
            buffer.Write("\n"u8);
        }

        return buffer.WrittenSpan;
    }

    /// <summary>A boolean field's value: one box each for every row.</summary>
    public static object Box(bool value) => value ? True : False;

    private static readonly object True = true;
    private static readonly object False = false;

    /// <summary>How many fields the row has.</summary>
    public int FieldCount => Fields.Count;

    /// <summary>The name of field <paramref name="index"/>.</summary>
    public string FieldName(int index) => Fields is ResultFields typed ? typed.NameAt(index) : Fields[index].Key;

    /// <summary>The value of field <paramref name="index"/>, without a box when the row's fields are <see cref="ResultFields"/>.</summary>
    public FieldValue FieldAt(int index) => Fields is ResultFields typed ? typed.ValueAt(index) : FieldValue.Of(Fields[index].Value);

    /// <summary>
    /// The row to keep past the call that handed it on: itself, or a copy when its fields are <see cref="ResultFields.Shared"/>
    /// (a live per-quote row, overwritten for the next quote).
    /// </summary>
    public ResultRow Detach() => Fields is ResultFields { Shared: true } typed ? this with { Fields = typed.Copy() } : this;

    public void WriteJson(Utf8JsonWriter json, bool includeKind)
    {
        json.WriteStartObject();
        if (BatchId is { } batchId)
        {
            json.WriteNumber(BatchIdName, batchId);
        }

        if (includeKind)
        {
            json.WriteString("kind", Kind);
        }

        if (WindowStart is { } start && WindowEnd is { } end)
        {
            json.WriteStartObject(WindowName);
            Span<char> text = stackalloc char[MaxTimeLength];
            json.WriteString(StartName, text[..FormatTime(start, text)]);
            json.WriteString(EndName, text[..FormatTime(end, text)]);
            json.WriteEndObject();
        }

        // By index and unboxed: no enumerator, and no box for a per-quote row's values.
        // Field names escaped once (JsonEncodedText), when the writer escapes as they were escaped: this class's lines.
        var typed = ReferenceEquals(json.Options.Encoder, JsonLineOptions.Encoder) ? Fields as ResultFields : null;
        for (var i = 0; i < FieldCount; i++)
        {
            if (typed is not null)
            {
                json.WritePropertyName(typed.JsonNameAt(i));
            }
            else
            {
                json.WritePropertyName(FieldName(i));
            }

            WriteValue(json, FieldAt(i));
        }

        json.WriteEndObject();
    }

    // ASCII names: the same bytes under any encoder.
    private static readonly JsonEncodedText BatchIdName = JsonEncodedText.Encode("batchId");
    private static readonly JsonEncodedText StartName = JsonEncodedText.Encode("start");
    private static readonly JsonEncodedText EndName = JsonEncodedText.Encode("end");

    private static void WriteTime(Utf8JsonWriter json, DateTimeOffset time)
    {
        Span<char> text = stackalloc char[MaxTimeLength];
        json.WriteStringValue(text[..FormatTime(time, text)]);
    }

    private static void WriteValue(Utf8JsonWriter json, FieldValue value)
    {
        switch (value.Type)
        {
            case FieldValueKind.String: json.WriteStringValue(value.String); break;
            case FieldValueKind.Bool: json.WriteBooleanValue(value.Bool); break;
            case FieldValueKind.Long: json.WriteNumberValue(value.Long); break;
            case FieldValueKind.Double when double.IsFinite(value.Double): JsonDoubles.Write(json, value.Double); break;
            case FieldValueKind.Time: WriteTime(json, value.Time); break;
            case FieldValueKind.Other when value.Other is DateOnly d: json.WriteStringValue(d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)); break;
            case FieldValueKind.Other: json.WriteStringValue(Convert.ToString(value.Other, CultureInfo.InvariantCulture)); break;
            default: json.WriteNullValue(); break;
        }
    }
}

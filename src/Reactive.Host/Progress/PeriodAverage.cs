using System.Text.Json.Serialization;

namespace Reactive.Host.Progress;

/// <summary>
/// The average of each of a pipeline's fields over a span of event time <c>[From, To)</c>, as the bitcoin pipeline
/// shows its last hour (<c>lastHourAverage</c> at <c>GET /api/pipelines</c>): in JSON the span, the rows in it, then one
/// property per field (<c>{"from":…,"to":…,"rows":360,"euro_rate":…,"usd_rate":…,"gbp_rate":…}</c>).
/// </summary>
/// <param name="From">The span's start, inclusive.</param>
/// <param name="To">The span's end, exclusive.</param>
/// <param name="Rows">The rows whose event time is in the span.</param>
/// <param name="Averages">Per field, the average of its non-null values in the span; null when it has none.</param>
public sealed record PeriodAverage(DateTimeOffset From, DateTimeOffset To, long Rows, [property: JsonIgnore] IReadOnlyDictionary<string, double?> Averages)
{
    /// <summary>The averages as properties of the JSON object beside the span.</summary>
    [JsonExtensionData]
    public Dictionary<string, object?> Fields => Averages.ToDictionary(kv => kv.Key, kv => (object?)kv.Value, StringComparer.Ordinal);
}

namespace Reactive.Operators.Parsing;

/// <summary>Options of <see cref="HourlyPriceParser"/>.</summary>
public sealed class HourlyPriceParserOptions
{
    /// <summary>
    /// Eastern Standard Time all year (UTC−5, no DST): the IESO publishes the HOEP in EST year-round,
    /// and every day of <c>utility.csv</c> has exactly 24 hours, which only a zone without DST gives.
    /// </summary>
    public static TimeZoneInfo IesoStandardTime { get; } =
        TimeZoneInfo.CreateCustomTimeZone("IESO-EST", TimeSpan.FromHours(-5), "EST (IESO market time, UTC-5, no DST)", "EST");

    /// <summary>The zone the dates and hours are in.</summary>
    /// <value>The default value is <see cref="IesoStandardTime"/> (fixed UTC−5). <see cref="TimeZoneInfo.Utc"/> is the other sensible choice when the file is not IESO data.</value>
    public TimeZoneInfo TimeZone { get; set; } = IesoStandardTime;

    /// <summary>The source name written into dead letters.</summary>
    /// <value>The default value is <c>hourly</c>.</value>
    public string SourceName { get; set; } = "hourly";

    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(TimeZone, nameof(TimeZone));
        ArgumentException.ThrowIfNullOrWhiteSpace(SourceName, nameof(SourceName));
    }
}

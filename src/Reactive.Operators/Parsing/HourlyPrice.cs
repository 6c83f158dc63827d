namespace Reactive.Operators.Parsing;

/// <summary>One hourly price, as in the course's <c>utility.csv</c> (<c>date,hour,hoep</c>).</summary>
/// <param name="TimestampTicks">The start of the hour as UTC ticks: <c>Date + (Hour − 1) h</c> in the configured zone.</param>
/// <param name="Date">The date as written in the file (local).</param>
/// <param name="Hour">The hour-ending number, 1..24 (hour 1 covers 00:00–01:00).</param>
/// <param name="Price">The price.</param>
public readonly record struct HourlyPrice(long TimestampTicks, DateOnly Date, int Hour, double Price)
{
    /// <summary>The start of the hour as a UTC <see cref="DateTimeOffset"/>.</summary>
    public DateTimeOffset Timestamp => new(TimestampTicks, TimeSpan.Zero);
}

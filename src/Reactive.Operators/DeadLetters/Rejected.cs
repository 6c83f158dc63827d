namespace Reactive.Operators.DeadLetters;

/// <summary>
/// A row an operator turned away (late for a final window, no event time, a bad price, out of order, …): the one
/// side output of the event-time operators. The operator decides and says why; it does not know where the row came
/// from, so a row that must be traced back carries its own position (for example <c>Located&lt;BboQuote&gt;</c>), and
/// the host turns the rejection into a <see cref="DeadLetter"/>.
/// </summary>
/// <typeparam name="T">The operator's row type.</typeparam>
/// <param name="Row">The row as the operator received it.</param>
/// <param name="Code">A short, stable, low-cardinality code (<see cref="RejectionCodes"/>), as in <see cref="DeadLetter.Code"/>.</param>
/// <param name="Reason">A readable explanation, with times in ISO-8601 UTC.</param>
public readonly record struct Rejected<T>(T Row, string Code, string Reason);

/// <summary>The codes the event-time operators put into <see cref="Rejected{T}.Code"/>.</summary>
public static class RejectionCodes
{
    /// <summary>The row's window (second, for the spread) was already final when it came.</summary>
    public const string Late = "late";

    /// <summary>The row has no usable event time (as the parsers' <c>missing_field</c>).</summary>
    public const string MissingField = "missing_field";

    /// <summary>A price that cannot be used (spread: not positive and finite; anomaly: not finite).</summary>
    public const string BadPrice = "bad_price";

    /// <summary>Anomaly: older than the newest price of its series and hour.</summary>
    public const string OutOfOrder = "out_of_order";

    /// <summary>Anomaly: the same time as the newest price of its series and hour.</summary>
    public const string DuplicateTime = "duplicate_time";

    /// <summary>Anomaly: the hour of day is outside 0–24.</summary>
    public const string BadHour = "bad_hour";

    /// <summary>Anomaly: the series selector returned null.</summary>
    public const string MissingSeries = "missing_series";
}

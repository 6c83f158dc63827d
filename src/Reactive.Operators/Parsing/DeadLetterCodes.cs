namespace Reactive.Operators.Parsing;

/// <summary>
/// The stable, low-cardinality codes the parsers give a rejected line (<see cref="DeadLetterReason.Code"/>).
/// Metrics group dead letters by these; never rename one.
/// </summary>
public static class DeadLetterCodes
{
    /// <summary>The line has more or fewer fields than the format (or the header) declares.</summary>
    public const string FieldCount = "field_count";

    /// <summary>A numeric field is not a number (or overflows its type).</summary>
    public const string BadNumber = "bad_number";

    /// <summary>A numeric field is NaN or infinite.</summary>
    public const string NonFinite = "non_finite";

    /// <summary>A date (or a whole timestamp) cannot be read with the expected format.</summary>
    public const string BadDate = "bad_date";

    /// <summary>A time of day cannot be read with the expected format.</summary>
    public const string BadTime = "bad_time";

    /// <summary>A required field is empty, null or absent.</summary>
    public const string MissingField = "missing_field";

    /// <summary>A JSON line is not one well-formed JSON object.</summary>
    public const string BadJson = "bad_json";

    /// <summary>An hour-ending field is outside 1..24.</summary>
    public const string BadHour = "bad_hour";

    /// <summary>A field has the wrong shape for its type (an exchange code longer than one letter, a bool that is not true/false/1/0, a JSON object where a scalar is expected).</summary>
    public const string BadValue = "bad_value";

    /// <summary>A CSV line has an unterminated quoted field, or text after a closing quote.</summary>
    public const string BadCsv = "bad_csv";

    /// <summary>A line is longer than the line reader's bound (<c>maxLineLength</c>).</summary>
    public const string LineTooLong = "line_too_long";
}

namespace Reactive.Operators.Parsing;

/// <summary>
/// What a schema parser does with a field whose value does not fit its declared type (<c>"euro_rate":"abc"</c>, an
/// object where a number is declared, <c>NaN</c>, a timestamp that does not match its format).
/// </summary>
public enum MistypedFieldHandling
{
    /// <summary>The whole line is rejected, a dead letter with the field's code (<c>bad_number</c>, <c>bad_date</c>, …).</summary>
    Reject,

    /// <summary>
    /// The field is null and the rest of the row is kept, as Spark's <c>from_json</c> does in its default
    /// <c>PERMISSIVE</c> mode with partial results; each field nulled is told to the parser's <c>FieldNulled</c>
    /// callback. A required field cannot be null: a mistyped one still rejects the line with its code.
    /// </summary>
    Null,
}

namespace Reactive.Operators.Parsing;

/// <summary>Options of <see cref="CsvRowParser"/>.</summary>
public sealed class CsvRowParserOptions
{
    /// <summary>The fields of a row.</summary>
    /// <value>Required; there is no default.</value>
    public RowSchema? Schema { get; set; }

    /// <summary>
    /// Whether the first non-blank line is a header. A header maps columns to schema fields by name
    /// (columns the schema does not name are ignored; schema fields the header lacks are null) and a
    /// later line equal to it is skipped. Without a header, columns are the schema's fields in order.
    /// </summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool HasHeader { get; set; }

    /// <summary>The field separator.</summary>
    /// <value>The default value is a comma.</value>
    public char Separator { get; set; } = ',';

    /// <summary>The source name written into dead letters.</summary>
    /// <value>The default value is <c>csv</c>.</value>
    public string SourceName { get; set; } = "csv";

    /// <summary>
    /// What a value that does not fit its field's type does: reject the line (a dead letter with the field's code), or
    /// make the field null and keep the row (Spark's <c>PERMISSIVE</c> mode with partial results). A required field
    /// cannot be null: a mistyped one rejects the line either way.
    /// </summary>
    /// <value>The default value is <see cref="MistypedFieldHandling.Reject"/>.</value>
    public MistypedFieldHandling MistypedFields { get; set; } = MistypedFieldHandling.Reject;

    /// <summary>
    /// Told of each field made null (<see cref="MistypedFieldHandling.Null"/>) in a row that was parsed: the field, its
    /// code (<c>bad_number</c>, <c>non_finite</c>, <c>bad_date</c>, <c>bad_value</c>) and why, so that no value is
    /// dropped uncounted. Called on the parsing thread, once the row is accepted (not for a line rejected after all).
    /// </summary>
    /// <value>The default value is null.</value>
    public Action<DeadLetterReason>? FieldNulled { get; set; }

    internal RowSchema Validate()
    {
        ArgumentNullException.ThrowIfNull(Schema, nameof(Schema));
        ArgumentException.ThrowIfNullOrWhiteSpace(SourceName, nameof(SourceName));
        if (!Enum.IsDefined(MistypedFields))
        {
            throw new ArgumentOutOfRangeException(nameof(MistypedFields), MistypedFields, "Reject or Null.");
        }
        if (Separator is '"' or '\r' or '\n' || Separator > 127)
        {
            throw new ArgumentOutOfRangeException(nameof(Separator), Separator, "The separator must be an ASCII character other than a quote or a line break.");
        }

        return Schema;
    }
}

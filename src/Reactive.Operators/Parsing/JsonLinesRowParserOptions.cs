namespace Reactive.Operators.Parsing;

/// <summary>Options of <see cref="JsonLinesRowParser"/>.</summary>
public sealed class JsonLinesRowParserOptions
{
    /// <summary>The fields of a row, matched to JSON property names.</summary>
    /// <value>Required; there is no default.</value>
    public RowSchema? Schema { get; set; }

    /// <summary>The source name written into dead letters.</summary>
    /// <value>The default value is <c>jsonl</c>.</value>
    public string SourceName { get; set; } = "jsonl";

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
        return Schema;
    }
}

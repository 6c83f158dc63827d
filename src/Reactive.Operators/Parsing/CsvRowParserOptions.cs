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

    internal RowSchema Validate()
    {
        ArgumentNullException.ThrowIfNull(Schema, nameof(Schema));
        ArgumentException.ThrowIfNullOrWhiteSpace(SourceName, nameof(SourceName));
        if (Separator is '"' or '\r' or '\n' || Separator > 127)
        {
            throw new ArgumentOutOfRangeException(nameof(Separator), Separator, "The separator must be an ASCII character other than a quote or a line break.");
        }

        return Schema;
    }
}

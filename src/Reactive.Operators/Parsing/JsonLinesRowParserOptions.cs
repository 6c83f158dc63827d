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

    internal RowSchema Validate()
    {
        ArgumentNullException.ThrowIfNull(Schema, nameof(Schema));
        ArgumentException.ThrowIfNullOrWhiteSpace(SourceName, nameof(SourceName));
        return Schema;
    }
}

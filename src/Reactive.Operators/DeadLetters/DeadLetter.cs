namespace Reactive.Operators.DeadLetters;

/// <summary>
/// A row or message that a pipeline rejected, with why. Bad data is never an error and never lost
/// silently: it becomes one of these, goes to the dead-letter output and is counted.
/// </summary>
/// <param name="Source">Where the row came from (pipeline input name, file path, host:port).</param>
/// <param name="LineNumber">1-based line number in <paramref name="Source"/>, or 0 when not line-based.</param>
/// <param name="Code">A short, stable, low-cardinality code (for example <c>field_count</c>, <c>bad_number</c>); metrics group by it.</param>
/// <param name="Reason">A human-readable explanation, naming the field where it can.</param>
/// <param name="Raw">The raw text, cut to <see cref="MaxRawLength"/> characters.</param>
public sealed record DeadLetter(string Source, long LineNumber, string Code, string Reason, string Raw)
{
    /// <summary>The longest raw text kept in a dead letter; longer text is cut and marked with an ellipsis.</summary>
    public const int MaxRawLength = 512;

    /// <summary>Creates a dead letter, cutting <paramref name="raw"/> to <see cref="MaxRawLength"/>.</summary>
    public static DeadLetter Create(string source, long lineNumber, string code, string reason, ReadOnlySpan<char> raw) =>
        new(source, lineNumber, code, reason, Truncate(raw));

    /// <summary>Cuts text to <see cref="MaxRawLength"/> characters, marking a cut with "…".</summary>
    public static string Truncate(ReadOnlySpan<char> raw) =>
        raw.Length <= MaxRawLength ? raw.ToString() : string.Concat(raw[..MaxRawLength], "…");
}

namespace Reactive.Operators.Parsing;

/// <summary>What a parser did with one line.</summary>
public enum ParseStatus
{
    /// <summary>The line was a data row and was parsed.</summary>
    Parsed,

    /// <summary>The line was a header (first or repeated) or blank, and is skipped silently by design.</summary>
    Skipped,

    /// <summary>The line is bad: the reason says why; it becomes a dead letter.</summary>
    Rejected,
}

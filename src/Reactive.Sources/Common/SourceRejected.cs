namespace Reactive.Sources;

/// <summary>
/// Input a source could not deliver as a line (too long, undecodable, unreadable file). Sources
/// report these instead of failing; the host sends them to the dead-letter output and counts them.
/// </summary>
/// <param name="Origin">Where the input came from (host:port, file path).</param>
/// <param name="LineNumber">1-based line number within the origin, or 0 when unknown.</param>
/// <param name="Code">A short, stable code, for example <c>line_too_long</c> or <c>file_unreadable</c>.</param>
/// <param name="Reason">A human-readable explanation.</param>
/// <param name="Raw">The start of the rejected input, cut to <see cref="MaxRawLength"/> characters.</param>
public sealed record SourceRejected(string Origin, long LineNumber, string Code, string Reason, string Raw)
{
    /// <summary>The longest raw text kept.</summary>
    public const int MaxRawLength = 512;
}

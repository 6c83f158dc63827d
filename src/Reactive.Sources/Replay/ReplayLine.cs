namespace Reactive.Sources.Replay;

/// <summary>One line of a replayed file.</summary>
/// <param name="LineNumber">The 1-based line number in the file (the position to record for a restart).</param>
/// <param name="Text">The line's text, without its line ending.</param>
public readonly record struct ReplayLine(long LineNumber, string Text);

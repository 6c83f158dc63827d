namespace Reactive.Sources.Generators;

/// <summary>One generated line and its event time (wall clock of the feed, carried with a zero offset).</summary>
/// <param name="Text">The line, without its line ending.</param>
/// <param name="EventTime">The line's event time; null for a header.</param>
public readonly record struct GeneratedLine(string Text, DateTimeOffset? EventTime);

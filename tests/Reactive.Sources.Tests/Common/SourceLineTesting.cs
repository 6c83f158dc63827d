namespace Reactive.Sources.Tests.Common;

/// <summary>Helpers for comparing <see cref="SourceLine"/>s.</summary>
internal static class SourceLineTesting
{
    /// <summary>The lines with <see cref="SourceLine.Offset"/> set to 0, for tests about what was read rather than where it ended.</summary>
    public static IEnumerable<SourceLine> IgnoringOffsets(this IEnumerable<SourceLine> lines) => lines.Select(line => line with { Offset = 0 });
}

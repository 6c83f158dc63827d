namespace Reactive.Sources.Directory;

/// <summary>
/// Where a checkpointed directory source resumes: just past one line of one file (a checkpoint's last committed
/// position, taken from that line's <see cref="SourceLine"/>), or <see cref="BeforeFirstFile"/> when nothing was
/// committed yet.
/// </summary>
/// <param name="File">The file's full path (the line's <see cref="SourceLine.Origin"/>); empty before the first file.</param>
/// <param name="Line">The line's <see cref="SourceLine.LineNumber"/>: the next line read is numbered one more.</param>
/// <param name="Offset">The line's <see cref="SourceLine.Offset"/>: the byte reading resumes at.</param>
public sealed record DirectoryPosition(string File, long Line, long Offset)
{
    /// <summary>Nothing committed yet: every file taken under the checkpoint is read again.</summary>
    public static DirectoryPosition BeforeFirstFile { get; } = new(string.Empty, 0, 0);

    /// <summary>Whether this is <see cref="BeforeFirstFile"/>.</summary>
    public bool IsBeforeFirstFile => File.Length == 0;
}

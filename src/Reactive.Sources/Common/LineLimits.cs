namespace Reactive.Sources;

/// <summary>Limits shared by the line sources.</summary>
public static class LineLimits
{
    /// <summary>The default longest line, in UTF-16 characters (1 Mi characters).</summary>
    public const int DefaultMaxLineLength = 1024 * 1024;

    /// <summary>Code of the dead letter for a line longer than the limit.</summary>
    public const string LineTooLongCode = "line_too_long";

    /// <summary>Code of the dead letter for a line cut off by a broken connection.</summary>
    public const string LineIncompleteCode = "line_incomplete";

    /// <summary>Code of the dead letter for a file that could not be read.</summary>
    public const string FileUnreadableCode = "file_unreadable";

    /// <summary>Code of the dead letter for a file that vanished after it was seen and before it was read.</summary>
    public const string FileVanishedCode = "file_vanished";

    /// <summary>Code of the dead letter for a file that changed (grew, was rewritten) after it was taken: the change is not read.</summary>
    public const string FileChangedCode = "file_changed";

    /// <summary>
    /// Code of the dead letter for a file a checkpointed directory source must read again after a restart (its lines
    /// after the checkpoint's position were not all committed) that is gone or shorter: those lines are lost.
    /// </summary>
    public const string FileLostCode = "file_lost";

    /// <summary>Code of the dead letter for a FIFO, device, socket (or a link to one): never opened.</summary>
    public const string FileNotRegularCode = "file_not_regular";

    /// <summary>Code of the dead letter for a symbolic link, not followed unless the source is told to.</summary>
    public const string FileLinkCode = "file_link";

    /// <summary>Code of the dead letter for a file larger than the source's byte bound: not read.</summary>
    public const string FileTooLargeCode = "file_too_large";
}

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
}

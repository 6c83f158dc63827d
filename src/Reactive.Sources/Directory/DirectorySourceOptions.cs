using System.ComponentModel.DataAnnotations;

namespace Reactive.Sources.Directory;

/// <summary>Options of <see cref="DirectoryLineSource"/>: which directory to watch and how.</summary>
public sealed class DirectorySourceOptions
{
    /// <summary>The directory new files are moved into.</summary>
    /// <value>There is no default; the option is required.</value>
    [Required]
    public string Path { get; set; } = string.Empty;

    /// <summary>File name pattern (<c>*</c> and <c>?</c> wildcards) of the files to read.</summary>
    /// <value>The default value is <c>"*"</c>.</value>
    [Required]
    public string Pattern { get; set; } = "*";

    /// <summary>
    /// Whether files already in the directory at the first start (when there is no processed log
    /// yet) are read; when <see langword="false"/> they are recorded as skipped.
    /// </summary>
    /// <value>The default value is <see langword="false"/> (as Spark's <c>textFileStream</c>).</value>
    public bool IncludeExisting { get; set; }

    /// <summary>
    /// The append-only log of processed files, which keeps files from being read twice across
    /// restarts; <see langword="null"/> or empty means <c>&lt;Path&gt;/.reactive-processed.log</c>. With
    /// <see cref="ResumeAt"/> it belongs to the checkpoint and should live in its directory.
    /// </summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? ProcessedLogPath { get; set; }

    /// <summary>
    /// Reads under a checkpoint: the position its last commit covers (just past a line), or
    /// <see cref="DirectoryPosition.BeforeFirstFile"/> when it committed nothing yet; <see langword="null"/> reads
    /// without one. With a position the processed log also records each file as it is taken (before its first line)
    /// and, at start, is rolled back to agree with the position, not with what was emitted before a stop: the files
    /// taken after <see cref="DirectoryPosition.File"/> are read again, in the order they were first taken;
    /// <see cref="DirectoryPosition.File"/> itself resumes at byte <see cref="DirectoryPosition.Offset"/> (line
    /// <see cref="DirectoryPosition.Line"/> + 1) unless that was its end; no file is read past the size it had when
    /// first taken. Entries of files not read (skipped, refused, unreadable, changed before being taken) are kept. A
    /// file to read again that is gone or shorter than when it was taken is a dead letter (<c>file_lost</c>): its lines
    /// after the position cannot be given again. Keep the log with the checkpoint (<see cref="ProcessedLogPath"/>), so
    /// that both are reset together.
    /// </summary>
    /// <value>The default value is <see langword="null"/> (no checkpoint: each file is read at least once).</value>
    public DirectoryPosition? ResumeAt { get; set; }

    /// <summary>
    /// How often the directory is scanned, in addition to file system watcher events (which some
    /// file systems, such as network and container mounts, never raise).
    /// </summary>
    /// <value>The default value is 2 seconds.</value>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Whether a <see cref="FileSystemWatcher"/> triggers scans as soon as files arrive.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool UseFileSystemWatcher { get; set; } = true;

    /// <summary>Whether a missing <see cref="Path"/> is created at start instead of being an error.</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool CreateIfMissing { get; set; }

    /// <summary>
    /// Longest line, in UTF-16 characters without the terminator; a longer line is dead-lettered
    /// (<c>line_too_long</c>) and skipped to its end.
    /// </summary>
    /// <value>The default value is 1 048 576 (1 Mi characters).</value>
    [Range(1, int.MaxValue - 1)]
    public int MaxLineLength { get; set; } = LineLimits.DefaultMaxLineLength;

    /// <summary>
    /// How long a file's size and modification time must stay the same before it is read, unless it was moved in
    /// (its status-change time is later than its last write, as a rename makes it; Linux only). A file written in
    /// place is thus taken once its writer has paused this long; <see cref="TimeSpan.Zero"/> takes every file at once.
    /// Hidden names and names ending in <c>.tmp</c> or <c>._COPYING_</c> are never taken, as Spark does.
    /// </summary>
    /// <value>The default value is 5 seconds.</value>
    public TimeSpan SettleInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The largest file read, in bytes: a larger file is not read at all (dead letter <c>file_too_large</c>,
    /// recorded as processed). A file is never read past the size it had when it was taken.
    /// </summary>
    /// <value>The default value is 1 073 741 824 (1 GiB).</value>
    [Range(1, long.MaxValue)]
    public long MaxFileBytes { get; set; } = 1024L * 1024 * 1024;

    /// <summary>
    /// Whether a symbolic link in the directory is followed to a regular file (anywhere) and read; when
    /// <see langword="false"/> a link is not read (dead letter <c>file_link</c>). A link to anything but a regular file
    /// (a FIFO, <c>/dev/zero</c>) is never read (<c>file_not_regular</c>).
    /// </summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool FollowLinks { get; set; }

    /// <summary>Size of the pooled read buffer, in bytes.</summary>
    /// <value>The default value is 65 536.</value>
    [Range(1, 16 * 1024 * 1024)]
    public int ReadBufferSize { get; set; } = 64 * 1024;

    /// <summary>The processed log's path, with the default applied.</summary>
    internal string EffectiveProcessedLogPath =>
        System.IO.Path.GetFullPath(string.IsNullOrWhiteSpace(ProcessedLogPath)
            ? System.IO.Path.Combine(Path, ".reactive-processed.log")
            : ProcessedLogPath);

    /// <summary>
    /// Checks every option; throws <see cref="ArgumentException"/> naming the first bad one. A
    /// missing directory is created when <see cref="CreateIfMissing"/> is set, otherwise an error.
    /// </summary>
    /// <exception cref="ArgumentException">An option is invalid.</exception>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Path))
        {
            throw new ArgumentException("DirectorySourceOptions.Path must not be empty.", nameof(Path));
        }

        if (string.IsNullOrWhiteSpace(Pattern) || Pattern.IndexOfAny(['/', '\\']) >= 0)
        {
            throw new ArgumentException($"DirectorySourceOptions.Pattern must be a non-empty file name pattern without directories (was '{Pattern}').", nameof(Pattern));
        }

        if (PollInterval <= TimeSpan.Zero)
        {
            throw new ArgumentException($"DirectorySourceOptions.PollInterval must be positive (was {PollInterval}).", nameof(PollInterval));
        }

        if (MaxLineLength is < 1 or int.MaxValue)
        {
            throw new ArgumentException($"DirectorySourceOptions.MaxLineLength must be between 1 and {int.MaxValue - 1} (was {MaxLineLength}).", nameof(MaxLineLength));
        }

        if (SettleInterval < TimeSpan.Zero)
        {
            throw new ArgumentException($"DirectorySourceOptions.SettleInterval must not be negative (was {SettleInterval}).", nameof(SettleInterval));
        }

        if (MaxFileBytes < 1)
        {
            throw new ArgumentException($"DirectorySourceOptions.MaxFileBytes must be positive (was {MaxFileBytes}).", nameof(MaxFileBytes));
        }

        if (ReadBufferSize is < 1 or > 16 * 1024 * 1024)
        {
            throw new ArgumentException($"DirectorySourceOptions.ReadBufferSize must be between 1 and 16777216 (was {ReadBufferSize}).", nameof(ReadBufferSize));
        }

        if (ResumeAt is { } resume)
        {
            ValidateResume(resume);
        }

        if (!System.IO.Directory.Exists(Path))
        {
            if (!CreateIfMissing)
            {
                throw new ArgumentException($"DirectorySourceOptions.Path: the directory '{Path}' does not exist. Create it or set DirectorySourceOptions.CreateIfMissing.", nameof(Path));
            }

            System.IO.Directory.CreateDirectory(Path);
        }
    }

    private void ValidateResume(DirectoryPosition resume)
    {
        if (resume.File is null || resume.Line < 0 || resume.Offset < 0)
        {
            throw new ArgumentException($"DirectorySourceOptions.ResumeAt must have a file and a line and offset that are not negative (was {resume}).", nameof(ResumeAt));
        }

        if (resume.IsBeforeFirstFile != (resume.Offset == 0) || (resume.Line == 0) != (resume.Offset == 0))
        {
            throw new ArgumentException($"DirectorySourceOptions.ResumeAt is just past a line of a file (file, line and offset all set) or before the first file (none set); was {resume}.", nameof(ResumeAt));
        }

        if (!resume.IsBeforeFirstFile
            && !string.Equals(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(resume.File)), System.IO.Path.TrimEndingDirectorySeparator(System.IO.Path.GetFullPath(Path)), StringComparison.Ordinal))
        {
            throw new ArgumentException($"DirectorySourceOptions.ResumeAt: '{resume.File}' is not a file of the watched directory '{System.IO.Path.GetFullPath(Path)}' (was the checkpoint written for another directory?).", nameof(ResumeAt));
        }
    }
}

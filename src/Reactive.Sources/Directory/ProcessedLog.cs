using System.Globalization;
using System.Text;

namespace Reactive.Sources.Directory;

/// <summary>What the processed log says about a file.</summary>
internal enum ProcessedState
{
    /// <summary>Every line was emitted.</summary>
    Read,

    /// <summary>Present before the first start and not read.</summary>
    Skipped,

    /// <summary>Could not be read; not retried.</summary>
    Unreadable,

    /// <summary>Not read on purpose (not a regular file, a link, over the byte bound); not retried.</summary>
    Refused,

    /// <summary>Read before, then found changed (grown, rewritten); reported once, not read again.</summary>
    Changed,

    /// <summary>
    /// Taken: its first line is about to be emitted (checkpointed sources only). The order of these entries is the order
    /// files are read in, which a rollback repeats; the size is the most that is read.
    /// </summary>
    Taken,
}

/// <summary>The latest entry of one file in the processed log.</summary>
internal readonly record struct ProcessedEntry(ProcessedState State, long Size, DateTime LastWriteUtc);

/// <summary>A file a rollback reads again: from <paramref name="StartOffset"/> (after <paramref name="LinesBefore"/> lines) up to <paramref name="Size"/>.</summary>
/// <param name="Name">The file's name in the directory.</param>
/// <param name="Size">The size it had when first taken (the most read), or -1 when unknown (its size now).</param>
/// <param name="LastWriteUtc">Its modification time when first taken (unknown with a size of -1).</param>
/// <param name="StartOffset">The byte reading starts at.</param>
/// <param name="LinesBefore">The lines before that byte.</param>
internal readonly record struct ReplayFile(string Name, long Size, DateTime LastWriteUtc, long StartOffset, long LinesBefore);

/// <summary>
/// The append-only log of files a directory source is done with, one line per file:
/// <c>state TAB size TAB mtime(UTC, ISO 8601) TAB escaped name</c>. A file is identified by its
/// name. A line cut short by a crash is ignored, so that file is read again (at-least-once). Under a checkpoint
/// (<see cref="RollBack"/>) it is made to agree with the checkpoint's position at each start.
/// </summary>
internal sealed class ProcessedLog
{
    private const string Header = "# reactive processed files v1: state<TAB>size<TAB>mtime-utc<TAB>name";

    private readonly Dictionary<string, ProcessedEntry> _entries = new(StringComparer.Ordinal);

    // Every entry read at open, in order: what a rollback (right after the open) works on.
    private readonly List<(string Name, ProcessedEntry Entry)> _opened = [];
    private bool _appended;

    private ProcessedLog(string path, bool existed)
    {
        FilePath = path;
        Existed = existed;
    }

    public string FilePath { get; }

    /// <summary>Whether the log was there when opened (false = first start).</summary>
    public bool Existed { get; }

    public int Count => _entries.Count;

    public static ProcessedLog Open(string path)
    {
        if (!File.Exists(path))
        {
            var created = new ProcessedLog(path, existed: false);
            var directory = System.IO.Path.GetDirectoryName(path);
            if (!string.IsNullOrEmpty(directory))
            {
                System.IO.Directory.CreateDirectory(directory);
            }

            created.Write(Header + "\n");
            return created;
        }

        var log = new ProcessedLog(path, existed: true);
        foreach (var line in File.ReadLines(path, Encoding.UTF8))
        {
            if (line.StartsWith('#'))
            {
                continue;
            }

            var parts = line.Split('\t');
            if (parts.Length == 4 && Enum.TryParse<ProcessedState>(parts[0], out var state) && parts[3].Length > 0)
            {
                _ = long.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var size);
                _ = DateTime.TryParseExact(parts[2], "yyyy-MM-ddTHH:mm:ss.fffffffZ", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var lastWrite);
                var name = Uri.UnescapeDataString(parts[3]);
                var entry = new ProcessedEntry(state, size, lastWrite);
                log._entries[name] = entry;
                log._opened.Add((name, entry));
            }
        }

        // A crash in the middle of an append leaves a line without its LF: end it, so the next
        // entry stays readable (the torn entry is ignored and its file read again).
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read))
        {
            if (stream.Length > 0)
            {
                stream.Seek(-1, SeekOrigin.End);
                if (stream.ReadByte() != '\n')
                {
                    stream.WriteByte((byte)'\n');
                }
            }
        }

        return log;
    }

    public bool Contains(string name) => _entries.ContainsKey(name);

    /// <summary>
    /// Rolls the log back to a checkpoint's position, just past line <paramref name="line"/> (byte
    /// <paramref name="offset"/>) of <paramref name="committed"/> (null: nothing committed), and returns the files to
    /// read again, in order. The files taken after <paramref name="committed"/> are read again in the order they were
    /// first taken, each up to its size then, after <paramref name="committed"/> itself from the position (unless it was
    /// its end); their later entries are forgotten. Everything else is kept: the files done before, and the entries of
    /// files not read. The log is rewritten atomically.
    /// </summary>
    public IReadOnlyList<ReplayFile> RollBack(string? committed, long line, long offset)
    {
        if (_appended)
        {
            throw new InvalidOperationException("RollBack() comes right after Open(), before any entry is appended.");
        }

        var replay = new List<ReplayFile>();
        var again = new HashSet<string>(StringComparer.Ordinal);
        var cut = -1;
        var committedDone = false;
        ProcessedEntry committedTaken = default;
        if (committed is not null)
        {
            cut = _opened.FindLastIndex(e => e.Entry.State == ProcessedState.Taken && e.Name == committed);
            if (cut >= 0)
            {
                committedTaken = _opened[cut].Entry;
                committedDone = offset >= committedTaken.Size;
                if (!committedDone)
                {
                    replay.Add(new ReplayFile(committed, committedTaken.Size, committedTaken.LastWriteUtc, offset, line));
                    again.Add(committed);
                }
            }
            else
            {
                // Not taken under this log (it was lost or replaced): the file resumes at the position, the rest is kept.
                cut = _opened.Count - 1;
                if (!(_entries.TryGetValue(committed, out var known) && known.State == ProcessedState.Read && known.Size <= offset))
                {
                    replay.Add(new ReplayFile(committed, -1, default, offset, line));
                    again.Add(committed);
                }
            }
        }

        for (var i = cut + 1; i < _opened.Count; i++)
        {
            var (name, entry) = _opened[i];
            if (entry.State == ProcessedState.Taken && again.Add(name))
            {
                replay.Add(new ReplayFile(name, entry.Size, entry.LastWriteUtc, 0, 0));
            }
        }

        // Kept: all up to the committed file's Taken entry; after it the Taken entries (the order a later rollback
        // repeats) and the entries of files not read again (the committed file's outcome when it is done, files not read).
        var kept = new List<(string Name, ProcessedEntry Entry)>();
        var committedOutcome = false;
        for (var i = 0; i < _opened.Count; i++)
        {
            var (name, entry) = _opened[i];
            if (i <= cut || entry.State == ProcessedState.Taken || !again.Contains(name))
            {
                kept.Add((name, entry));
                committedOutcome |= i > cut && name == committed && entry.State != ProcessedState.Taken;
            }
        }

        if (committedDone && !committedOutcome)
        {
            // Its last line was committed before its Read entry was written.
            kept.Add((committed!, committedTaken with { State = ProcessedState.Read }));
        }

        Rewrite(kept);
        return replay;
    }

    /// <summary>The latest entry of <paramref name="name"/>, if any.</summary>
    public bool TryGet(string name, out ProcessedEntry entry) => _entries.TryGetValue(name, out entry);

    public void Append(ProcessedState state, string name, long size, DateTime lastWriteUtc)
    {
        Write(Line(state, name, size, lastWriteUtc));
        _appended = true;
        _entries[name] = new ProcessedEntry(state, size, lastWriteUtc);
    }

    private void Rewrite(List<(string Name, ProcessedEntry Entry)> entries)
    {
        var text = new StringBuilder(Header).Append('\n');
        _entries.Clear();
        _opened.Clear();
        foreach (var (name, entry) in entries)
        {
            text.Append(Line(entry.State, name, entry.Size, entry.LastWriteUtc));
            _entries[name] = entry;
        }

        var temp = FilePath + ".tmp";
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            stream.Write(Encoding.UTF8.GetBytes(text.ToString()));
            stream.Flush(flushToDisk: true);
        }

        File.Move(temp, FilePath, overwrite: true);
    }

    private static string Line(ProcessedState state, string name, long size, DateTime lastWriteUtc) =>
        string.Create(
            CultureInfo.InvariantCulture,
            $"{state}\t{size}\t{lastWriteUtc:yyyy-MM-ddTHH:mm:ss.fffffffZ}\t{Uri.EscapeDataString(name)}\n");

    private void Write(string text)
    {
        using var stream = new FileStream(FilePath, FileMode.Append, FileAccess.Write, FileShare.Read);
        var bytes = Encoding.UTF8.GetBytes(text);
        stream.Write(bytes);
        stream.Flush(flushToDisk: true);
    }
}

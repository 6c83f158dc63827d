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
}

/// <summary>The latest entry of one file in the processed log.</summary>
internal readonly record struct ProcessedEntry(ProcessedState State, long Size, DateTime LastWriteUtc);

/// <summary>
/// The append-only log of files a directory source is done with, one line per file:
/// <c>state TAB size TAB mtime(UTC, ISO 8601) TAB escaped name</c>. A file is identified by its
/// name. A line cut short by a crash is ignored, so that file is read again (at-least-once).
/// </summary>
internal sealed class ProcessedLog
{
    private const string Header = "# reactive processed files v1: state<TAB>size<TAB>mtime-utc<TAB>name";

    private readonly Dictionary<string, ProcessedEntry> _entries = new(StringComparer.Ordinal);

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
                log._entries[Uri.UnescapeDataString(parts[3])] = new ProcessedEntry(state, size, lastWrite);
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

    /// <summary>The latest entry of <paramref name="name"/>, if any.</summary>
    public bool TryGet(string name, out ProcessedEntry entry) => _entries.TryGetValue(name, out entry);

    public void Append(ProcessedState state, string name, long size, DateTime lastWriteUtc)
    {
        var line = string.Create(
            CultureInfo.InvariantCulture,
            $"{state}\t{size}\t{lastWriteUtc:yyyy-MM-ddTHH:mm:ss.fffffffZ}\t{Uri.EscapeDataString(name)}\n");
        Write(line);
        _entries[name] = new ProcessedEntry(state, size, lastWriteUtc);
    }

    private void Write(string text)
    {
        using var stream = new FileStream(FilePath, FileMode.Append, FileAccess.Write, FileShare.Read);
        var bytes = Encoding.UTF8.GetBytes(text);
        stream.Write(bytes);
        stream.Flush(flushToDisk: true);
    }
}

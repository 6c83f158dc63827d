using System.Globalization;
using System.IO.Hashing;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Reactive.Host.Checkpoints;

/// <summary>What a checkpoint belongs to: written into its metadata at the first start, compared at every start.</summary>
/// <param name="Pipeline">The pipeline's name.</param>
/// <param name="Kind">Its kind.</param>
/// <param name="Fingerprint">The options its state depends on, as text (<c>;</c>-separated <c>name=value</c> parts).</param>
internal sealed record CheckpointMetadata(string Pipeline, string Kind, string Fingerprint);

/// <summary>How many committed batches are kept, and the largest file read back.</summary>
/// <param name="RetainBatches">The newest committed batches whose files are kept (at least 2: a damaged newest one falls back to the one before).</param>
/// <param name="MaxFileBytes">A larger file is taken as damaged when read.</param>
/// <param name="Time">The clock of the metadata's creation time; <see cref="TimeProvider.System"/> when null.</param>
internal sealed record CheckpointOptions(int RetainBatches = 20, long MaxFileBytes = 256L * 1024 * 1024, TimeProvider? Time = null);

/// <summary>The last committed batch: its state, planned range and commit entry.</summary>
internal sealed record RestorePoint(long BatchId, JsonElement? State, JsonNode? Offsets, JsonNode? Commit);

/// <summary>A batch planned (its offsets logged) and not committed: re-run over exactly that range.</summary>
internal sealed record RerunBatch(long BatchId, JsonNode? Offsets);

/// <summary>What <see cref="CheckpointDirectory.Recover"/> found: where to restart, what to re-run, what was damaged.</summary>
internal sealed record RecoveryPlan(RestorePoint? Restore, IReadOnlyList<RerunBatch> Reruns, IReadOnlyList<string> Warnings);

/// <summary>A checkpoint that cannot be used: the message names the directory and what to do.</summary>
public sealed class CheckpointException : Exception
{
    /// <summary>Creates the exception for <paramref name="directory"/>.</summary>
    public CheckpointException(string directory, string message)
        : base(message)
    {
        Directory = directory;
    }

    /// <summary>The checkpoint's directory.</summary>
    public string Directory { get; }
}

/// <summary>
/// A pipeline's checkpoint directory, as Spark's checkpoint location: <c>metadata</c>, then per batch N
/// <c>offsets/N</c> (its planned source range, written before it runs), <c>state/N</c> (the operators' state after it)
/// and <c>commits/N</c> (written last: the batch is done). Every file is a format version line, a JSON line and a
/// CRC-32 of the JSON, written atomically (a temporary file flushed to disk, then renamed over the target), so a
/// crash leaves either the old file or the new one, and a damaged one is recognised, never taken for good.
/// One process at a time: the directory is locked while open.
/// </summary>
internal sealed class CheckpointDirectory : IDisposable
{
    /// <summary>The format of the files written here.</summary>
    public const string FormatVersion = "v1";

    private const string Offsets = "offsets";
    private const string State = "state";
    private const string Commits = "commits";
    private const string TempSuffix = ".tmp";

    private readonly CheckpointMetadata _metadata;
    private readonly CheckpointOptions _options;
    private readonly FileStream _lock;
    private bool _recovered;
    private long _lastStateWritten = -1;

    private CheckpointDirectory(string path, CheckpointMetadata metadata, CheckpointOptions options, FileStream lockFile)
    {
        FullPath = path;
        _metadata = metadata;
        _options = options;
        _lock = lockFile;
    }

    /// <summary>The directory.</summary>
    public string FullPath { get; }

    /// <summary>The newest committed batch, or -1.</summary>
    public long LastCommittedBatchId { get; private set; } = -1;

    /// <summary>The newest batch whose offsets are logged, or -1.</summary>
    public long LastPlannedBatchId { get; private set; } = -1;

    /// <summary>
    /// Opens (or creates) the checkpoint at <paramref name="path"/> for <paramref name="metadata"/>'s pipeline and
    /// locks it; <see cref="Recover"/> comes next.
    /// </summary>
    /// <exception cref="CheckpointException">Another process uses it; its metadata is damaged; it was written for another kind or other options.</exception>
    public static CheckpointDirectory Open(string path, CheckpointMetadata metadata, CheckpointOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(metadata);
        options ??= new CheckpointOptions();
        if (options.RetainBatches < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.RetainBatches, "RetainBatches must be at least 2.");
        }

        var full = Path.GetFullPath(path);
        foreach (var sub in new[] { Offsets, State, Commits })
        {
            System.IO.Directory.CreateDirectory(Path.Combine(full, sub));
        }

        FileStream lockFile;
        try
        {
            lockFile = new FileStream(Path.Combine(full, ".lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            throw new CheckpointException(full, $"the checkpoint {full} is in use by another process (another instance of the service with the same Reactive:StateDirectory?); stop it, or give this one its own state directory");
        }

        var directory = new CheckpointDirectory(full, metadata, options, lockFile);
        try
        {
            directory.CheckMetadata();
        }
        catch
        {
            directory.Dispose();
            throw;
        }

        return directory;
    }

    /// <summary>Deletes the checkpoint at <paramref name="path"/>; false when there was none.</summary>
    public static bool Reset(string path)
    {
        var full = Path.GetFullPath(path);
        if (!System.IO.Directory.Exists(full))
        {
            return false;
        }

        System.IO.Directory.Delete(full, recursive: true);
        return true;
    }

    /// <summary>
    /// Reads what to restart from: the newest batch whose commit, state and offsets are all sound, falling back past
    /// damaged ones (renamed <c>*.corrupt</c>, each named in a warning), and the batches planned after it. Call once,
    /// before any write.
    /// </summary>
    /// <exception cref="CheckpointException">Batches were committed but none can be read back: starting from scratch would repeat their results.</exception>
    public RecoveryPlan Recover()
    {
        if (_recovered)
        {
            throw new InvalidOperationException("Recover() was already called.");
        }

        _recovered = true;
        var warnings = new List<string>();
        foreach (var sub in new[] { Offsets, State, Commits })
        {
            foreach (var temp in System.IO.Directory.GetFiles(Path.Combine(FullPath, sub), "*" + TempSuffix))
            {
                File.Delete(temp);
            }
        }

        var commits = Ids(Commits);
        RestorePoint? restore = null;
        foreach (var id in commits.OrderDescending())
        {
            // The first of its files that cannot be read back, if any.
            string? damaged = null;
            var commit = Read(Commits, id, out var problem);
            JsonNode? state = null;
            JsonNode? offsets = null;
            if (commit is null)
            {
                damaged = Commits;
            }
            else if ((state = Read(State, id, out problem)) is null)
            {
                damaged = State;
            }
            else if ((offsets = Read(Offsets, id, out problem)) is null)
            {
                damaged = Offsets;
            }

            if (damaged is null)
            {
                using var document = JsonDocument.Parse(state!.ToJsonString());
                restore = new RestorePoint(id, document.RootElement.Clone(), offsets, commit);
                break;
            }

            // Batch id cannot be restored: the damaged file is set aside as .corrupt, its commit and state as
            // .discarded, and the batch before it is tried; its offsets, when sound, make it a re-run of exactly its range.
            warnings.Add($"{problem}; falling back to the batch before it");
            foreach (var sub in new[] { Commits, State, Offsets })
            {
                if (sub == damaged)
                {
                    SetAside(sub, id, ".corrupt");
                }
                else if (sub != Offsets)
                {
                    SetAside(sub, id, ".discarded");
                }
            }
        }

        if (restore is null && commits.Count > 0)
        {
            throw new CheckpointException(FullPath, $"the checkpoint {FullPath} has committed batches but none can be read back ({string.Join("; ", warnings)}); starting over would write their results again. Run `reactive --reset-checkpoint {_metadata.Pipeline}` to delete it and start from the beginning of the input (clear the pipeline's tables and files first if they must not hold results twice).");
        }

        // The batches planned after it, contiguous; anything after a gap or a damaged offsets file is set aside.
        var reruns = new List<RerunBatch>();
        var next = (restore?.BatchId ?? -1) + 1;
        var planned = Ids(Offsets).Where(i => i >= next).Order().ToList();
        foreach (var id in planned)
        {
            string? problem = null;
            if (id == next && Read(Offsets, id, out problem) is { } offsets)
            {
                reruns.Add(new RerunBatch(id, offsets));
                next++;
                continue;
            }

            if (problem is not null)
            {
                warnings.Add($"{problem}; its batch is planned again");
                SetAside(Offsets, id, ".corrupt");
            }
            else
            {
                SetAside(Offsets, id, ".discarded");
            }
        }

        foreach (var sub in new[] { State, Commits })
        {
            foreach (var id in Ids(sub).Where(i => i > (restore?.BatchId ?? -1)))
            {
                // A state written for a batch not committed is written again when it is re-run.
                SetAside(sub, id, ".discarded");
            }
        }

        LastCommittedBatchId = restore?.BatchId ?? -1;
        LastPlannedBatchId = next - 1;
        _lastStateWritten = LastCommittedBatchId;
        return new RecoveryPlan(restore, reruns, warnings);
    }

    /// <summary>Logs batch <paramref name="id"/>'s planned range, before it runs; only the batch after the last planned.</summary>
    public void WriteOffsets(long id, JsonNode offsets)
    {
        EnsureRecovered();
        if (id != LastPlannedBatchId + 1)
        {
            throw new InvalidOperationException($"offsets of batch {id} written out of order: the next planned batch is {LastPlannedBatchId + 1}");
        }

        Write(Offsets, id, offsets);
        LastPlannedBatchId = id;
    }

    /// <summary>Writes batch <paramref name="id"/>'s state: a planned batch not yet committed.</summary>
    public void WriteState(long id, JsonNode state) => WriteState(id, JsonSerializer.SerializeToUtf8Bytes(state));

    /// <summary>Writes batch <paramref name="id"/>'s state from its UTF-8 JSON (an operator's snapshot, written as it is).</summary>
    public void WriteState(long id, ReadOnlySpan<byte> state)
    {
        EnsureRecovered();
        if (id <= LastCommittedBatchId || id > LastPlannedBatchId)
        {
            throw new InvalidOperationException($"state of batch {id} written out of order: batches {LastCommittedBatchId + 1}–{LastPlannedBatchId} are planned and not committed");
        }

        WriteFile(PathOf(State, id), state);
        _lastStateWritten = Math.Max(_lastStateWritten, id);
    }

    /// <summary>Commits batch <paramref name="id"/> (the one after the last committed, its state written), then drops the batches past retention.</summary>
    public void WriteCommit(long id, JsonNode commit)
    {
        EnsureRecovered();
        if (id != LastCommittedBatchId + 1 || id > LastPlannedBatchId)
        {
            throw new InvalidOperationException($"commit of batch {id} out of order: the next batch to commit is {LastCommittedBatchId + 1} (planned up to {LastPlannedBatchId})");
        }

        if (_lastStateWritten < id)
        {
            throw new InvalidOperationException($"commit of batch {id} before its state");
        }

        Write(Commits, id, commit);
        LastCommittedBatchId = id;
        Retain(_options.RetainBatches);
    }

    /// <summary>Keeps the files of the newest <paramref name="batches"/> committed batches (at least 2) and deletes older ones.</summary>
    public void Retain(int batches)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batches, 2);
        var oldestKept = LastCommittedBatchId - batches + 1;
        if (oldestKept <= _oldestOnDisk)
        {
            return;
        }

        // The folders are listed once; after that the batches below the kept ones are known by their ids.
        var from = _oldestOnDisk < 0 ? new[] { Offsets, State, Commits }.SelectMany(Ids).DefaultIfEmpty(oldestKept).Min() : _oldestOnDisk;
        foreach (var sub in new[] { Offsets, State, Commits })
        {
            for (var id = from; id < oldestKept; id++)
            {
                File.Delete(PathOf(sub, id));
            }
        }

        _oldestOnDisk = oldestKept;
    }

    // The lowest batch id that may still have files (-1: not known yet).
    private long _oldestOnDisk = -1;

    public void Dispose() => _lock.Dispose();

    private void EnsureRecovered()
    {
        if (!_recovered)
        {
            throw new InvalidOperationException("Recover() must be called before writing to a checkpoint.");
        }
    }

    private void CheckMetadata()
    {
        var path = Path.Combine(FullPath, "metadata");
        var expected = new JsonObject
        {
            ["pipeline"] = _metadata.Pipeline,
            ["kind"] = _metadata.Kind,
            ["fingerprint"] = _metadata.Fingerprint,
        };
        if (!File.Exists(path))
        {
            if (Ids(Commits).Count > 0 || Ids(Offsets).Count > 0)
            {
                throw new CheckpointException(FullPath, $"the checkpoint {FullPath} has batches but no metadata file: it cannot be checked against this pipeline. Run `reactive --reset-checkpoint {_metadata.Pipeline}` to delete it and start from the beginning of the input.");
            }

            expected["created"] = (_options.Time ?? TimeProvider.System).GetUtcNow().ToString("O", CultureInfo.InvariantCulture);
            Write(path, expected);
            return;
        }

        var found = ReadFile(path, out var problem)
            ?? throw new CheckpointException(FullPath, $"{problem}. Run `reactive --reset-checkpoint {_metadata.Pipeline}` to delete the checkpoint and start from the beginning of the input.");
        var kind = (string?)found["kind"];
        if (!string.Equals(kind, _metadata.Kind, StringComparison.Ordinal))
        {
            throw new CheckpointException(FullPath, $"the checkpoint {FullPath} was written by a pipeline of kind '{kind}', and {_metadata.Pipeline} is now a '{_metadata.Kind}' pipeline: its state does not fit. Run `reactive --reset-checkpoint {_metadata.Pipeline}` to start over, or point Reactive:StateDirectory elsewhere.");
        }

        var fingerprint = (string?)found["fingerprint"] ?? string.Empty;
        if (!string.Equals(fingerprint, _metadata.Fingerprint, StringComparison.Ordinal))
        {
            throw new CheckpointException(FullPath, $"the checkpoint {FullPath} was written with other options ({Difference(fingerprint, _metadata.Fingerprint)}): the state it holds does not fit the options now. Restore the options it was written with, or run `reactive --reset-checkpoint {_metadata.Pipeline}` to start over from the beginning of the input.");
        }
    }

    /// <summary>The parts of two fingerprints that differ, as <c>then → now</c>.</summary>
    internal static string Difference(string then, string now)
    {
        var a = then.Split(';');
        var b = now.Split(';');
        var changes = new List<string>();
        static string Name(string part) => part.Split('=')[0];
        var before = a.GroupBy(Name).ToDictionary(g => g.Key, g => string.Join(";", g), StringComparer.Ordinal);
        var after = b.GroupBy(Name).ToDictionary(g => g.Key, g => string.Join(";", g), StringComparer.Ordinal);
        foreach (var name in before.Keys.Union(after.Keys))
        {
            var x = before.GetValueOrDefault(name);
            var y = after.GetValueOrDefault(name);
            if (x != y)
            {
                changes.Add($"{x ?? "(" + name + " not set)"} → {y ?? "(" + name + " not set)"}");
            }
        }

        return changes.Count == 0 ? "the options differ" : "was " + string.Join(", ", changes.Take(5));
    }

    private List<long> Ids(string sub) =>
        [.. System.IO.Directory.GetFiles(Path.Combine(FullPath, sub))
            .Select(Path.GetFileName)
            .Select(n => long.TryParse(n, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : -1)
            .Where(id => id >= 0)];

    private string PathOf(string sub, long id) => Path.Combine(FullPath, sub, id.ToString(CultureInfo.InvariantCulture));

    private JsonNode? Read(string sub, long id, out string? problem) => ReadFile(PathOf(sub, id), out problem);

    private void SetAside(string sub, long id, string suffix)
    {
        var path = PathOf(sub, id);
        if (File.Exists(path))
        {
            File.Move(path, path + suffix, overwrite: true);
        }
    }

    private void Write(string sub, long id, JsonNode node) => Write(PathOf(sub, id), node);

    private static void Write(string path, JsonNode node) => WriteFile(path, JsonSerializer.SerializeToUtf8Bytes(node));

    /// <summary>
    /// Writes <c>v1</c>, the JSON and its CRC-32 to a temporary file, flushes it to disk, renames it over
    /// <paramref name="path"/> and flushes the directory (so the new name survives a power loss). The JSON is written as
    /// it is given, without a copy (a state can be megabytes).
    /// </summary>
    private static void WriteFile(string path, ReadOnlySpan<byte> json)
    {
        Span<byte> trailer = stackalloc byte[10];
        trailer[0] = (byte)'\n';
        Crc32.HashToUInt32(json).TryFormat(trailer[1..], out var written, "x8", CultureInfo.InvariantCulture);
        trailer[1 + written] = (byte)'\n';
        var temp = Path.Combine(Path.GetDirectoryName(path)!, "." + Path.GetFileName(path) + TempSuffix);
        using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            file.Write(VersionLine);
            file.Write(json);
            file.Write(trailer[..(written + 2)]);
            file.Flush(flushToDisk: true);
        }

        File.Move(temp, path, overwrite: true);
        DirectorySync.Flush(Path.GetDirectoryName(path)!);
    }

    // FormatVersion and its line end.
    private static ReadOnlySpan<byte> VersionLine => "v1\n"u8;

    /// <summary>A file's JSON, or null with what is wrong with it (missing, too large, truncated, another version, a bad checksum).</summary>
    private JsonNode? ReadFile(string path, out string? problem)
    {
        problem = null;
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                problem = $"{path} is missing";
                return null;
            }

            if (info.Length > _options.MaxFileBytes)
            {
                problem = $"{path} is damaged: {info.Length} bytes, over the {_options.MaxFileBytes} a checkpoint file may have";
                return null;
            }

            var text = File.ReadAllText(path, Encoding.UTF8);
            var lines = text.Split('\n');
            if (lines.Length != 4 || lines[3].Length != 0)
            {
                problem = $"{path} is damaged (truncated or not a checkpoint file)";
                return null;
            }

            if (lines[0] != FormatVersion)
            {
                problem = $"{path} has format '{lines[0]}', which this version does not read (it reads {FormatVersion})";
                return null;
            }

            if (!uint.TryParse(lines[2], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var crc) || crc != Crc32.HashToUInt32(Encoding.UTF8.GetBytes(lines[1])))
            {
                problem = $"{path} is damaged (its checksum does not match)";
                return null;
            }

            return JsonNode.Parse(lines[1]) ?? throw new JsonException("null");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
        {
            problem = $"{path} cannot be read: {ex.Message}";
            return null;
        }
    }
}

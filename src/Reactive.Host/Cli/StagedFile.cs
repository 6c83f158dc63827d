namespace Reactive.Host.Cli;

/// <summary>
/// An output file of a one-shot run, written under a temporary name beside its final one and renamed to it when the
/// run ends (also when a signal stopped it: its lines are whole). A run that failed, or a process that was killed,
/// never leaves a half-written file under the final name; the final file, if one was there, stays as it was.
/// </summary>
internal sealed class StagedFile : IDisposable
{
    private readonly string _temporary;
    private bool _done;

    public StagedFile(string path)
    {
        Path = System.IO.Path.GetFullPath(path);
        _temporary = System.IO.Path.Combine(
            System.IO.Path.GetDirectoryName(Path)!,
            $".{System.IO.Path.GetFileName(Path)}.reactive-{Environment.ProcessId}.tmp");
        Stream = new FileStream(_temporary, FileMode.Create, FileAccess.Write, FileShare.Read, bufferSize: 1);
    }

    /// <summary>The final path.</summary>
    public string Path { get; }

    /// <summary>Where to write.</summary>
    public FileStream Stream { get; }

    /// <summary>Flushes to disk and renames the file to its final name.</summary>
    public void Commit()
    {
        if (_done)
        {
            return;
        }

        _done = true;
        Stream.Flush(flushToDisk: true);
        Stream.Dispose();
        File.Move(_temporary, Path, overwrite: true);
    }

    /// <summary>Without <see cref="Commit"/>: the temporary file goes, the final name is untouched.</summary>
    public void Dispose()
    {
        if (_done)
        {
            return;
        }

        _done = true;
        Stream.Dispose();
        File.Delete(_temporary);
    }

    /// <summary>The file a path names once links are followed (to compare an output with the input).</summary>
    public static string Identity(string path)
    {
        var full = System.IO.Path.GetFullPath(path);
        try
        {
            return File.ResolveLinkTarget(full, returnFinalTarget: true)?.FullName ?? full;
        }
        catch (IOException)
        {
            return full;
        }
    }
}

namespace Reactive.Host.Cli;

/// <summary>
/// An output file of a one-shot run, written under a temporary name beside its final one and renamed to it when the
/// run ends (also when a signal stopped it: its lines are whole). A run that failed, or a process that was killed,
/// never leaves a half-written file under the final name; the final file, if one was there, stays as it was.
/// </summary>
internal sealed partial class StagedFile : IDisposable
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

    /// <summary>
    /// The file a path names, to compare an output with the input: its device and inode on Linux (so a hard link or a
    /// symbolic link to the input is the input), else its full path once symbolic links are followed (also for a file
    /// that does not exist yet).
    /// </summary>
    public static string Identity(string path)
    {
        var full = System.IO.Path.GetFullPath(path);
        if (OperatingSystem.IsLinux() && File.Exists(full))
        {
            // struct stat begins with st_dev and st_ino (8 bytes each) on x86_64 and arm64 alike; 256 bytes hold it all.
            var buffer = new byte[256];
            if (Stat(full, buffer) == 0)
            {
                return $"inode {BitConverter.ToUInt64(buffer, 0)}:{BitConverter.ToUInt64(buffer, 8)}";
            }
        }

        try
        {
            return File.ResolveLinkTarget(full, returnFinalTarget: true)?.FullName ?? full;
        }
        catch (IOException)
        {
            return full;
        }
    }

    [System.Runtime.InteropServices.LibraryImport("libc", EntryPoint = "stat", StringMarshalling = System.Runtime.InteropServices.StringMarshalling.Utf8)]
    private static partial int Stat(string path, [System.Runtime.InteropServices.Out] byte[] buffer);
}

using System.Text;

namespace Reactive.Sources.Tests.Directory;

/// <summary>A watched directory and a staging directory next to it (files are written there, then moved in); deleted at the end.</summary>
internal sealed class TestDirectories : IDisposable
{
    public TestDirectories()
    {
        Root = Path.Combine(Path.GetTempPath(), "reactive-sources-tests", Guid.NewGuid().ToString("N"));
        Watched = Path.Combine(Root, "watched");
        Staging = Path.Combine(Root, "staging");
        System.IO.Directory.CreateDirectory(Watched);
        System.IO.Directory.CreateDirectory(Staging);
    }

    public string Root { get; }

    public string Watched { get; }

    public string Staging { get; }

    public string InWatched(string name) => Path.Combine(Watched, name);

    /// <summary>
    /// Writes the file in the staging directory, then moves it into the watched one in one rename. Its modification
    /// time is <paramref name="lastWriteUtc"/>, or a second ago (written a moment before it was moved, as a real
    /// producer does): the rename then leaves a status-change time later than the last write, which tells a move.
    /// </summary>
    public string MoveIn(string name, string content, DateTime? lastWriteUtc = null)
    {
        var staged = Path.Combine(Staging, name);
        File.WriteAllText(staged, content, new UTF8Encoding(false));
        File.SetLastWriteTimeUtc(staged, lastWriteUtc ?? DateTime.UtcNow.AddSeconds(-1));

        var target = InWatched(name);
        File.Move(staged, target);
        return target;
    }

    /// <summary>Writes the file directly in the watched directory (for files present before the start).</summary>
    public string Put(string name, string content, DateTime? lastWriteUtc = null)
    {
        var path = InWatched(name);
        File.WriteAllText(path, content, new UTF8Encoding(false));
        if (lastWriteUtc is { } time)
        {
            File.SetLastWriteTimeUtc(path, time);
        }

        return path;
    }

    /// <summary>Makes a FIFO (named pipe) at <paramref name="path"/> with mkfifo(1).</summary>
    public static void MakeFifo(string path)
    {
        using var mkfifo = System.Diagnostics.Process.Start("mkfifo", [path]);
        mkfifo.WaitForExit();
        if (mkfifo.ExitCode != 0)
        {
            throw new InvalidOperationException($"mkfifo {path} exited with {mkfifo.ExitCode}.");
        }
    }

    /// <summary>Makes an entry in the staging directory with <paramref name="make"/>, then moves it into the watched one.</summary>
    public string MoveInEntry(string name, Action<string> make)
    {
        var staged = Path.Combine(Staging, name);
        make(staged);
        var target = InWatched(name);
        File.Move(staged, target);
        return target;
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

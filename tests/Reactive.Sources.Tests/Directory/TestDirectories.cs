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

    /// <summary>Writes the file in the staging directory, then moves it into the watched one in one rename.</summary>
    public string MoveIn(string name, string content, DateTime? lastWriteUtc = null)
    {
        var staged = Path.Combine(Staging, name);
        File.WriteAllText(staged, content, new UTF8Encoding(false));
        if (lastWriteUtc is { } time)
        {
            File.SetLastWriteTimeUtc(staged, time);
        }

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

using Reactive.Sources.Directory;
using Reactive.Sources.Replay;
using Reactive.Sources.Socket;
using Reactive.Testing;

namespace Reactive.Sources.Tests.Common;

/// <summary>The public factory hands out the (internal) sources as <see cref="ILineSource"/>.</summary>
public sealed class LineSourceTests
{
    [Fact]
    public void Socket_ValidOptions_IsALineSourceThatCannotReplay()
    {
        var source = LineSource.Socket(new SocketSourceOptions { Host = "127.0.0.1", Port = 9 });

        Assert.IsType<SocketLineSource>(source);
        Assert.False(source.CanReplay);
    }

    [Fact]
    public void Socket_BadOption_ThrowsNamingIt()
    {
        var e = Assert.Throws<ArgumentException>(() => LineSource.Socket(new SocketSourceOptions { Port = 0 }));

        Assert.Equal("Port", e.ParamName);
    }

    [Fact]
    public void Directory_ExistingDirectory_IsALineSourceThatCanReplay()
    {
        var source = LineSource.Directory(new DirectorySourceOptions { Path = Path.GetTempPath() });

        Assert.IsType<DirectoryLineSource>(source);
        Assert.True(source.CanReplay);
    }

    [Fact]
    public void Replay_AsFastAsPossible_ReadsTheFileWithOriginAndLineNumbers()
    {
        var path = Path.Combine(Path.GetTempPath(), $"linesource-{Guid.NewGuid():N}.txt");
        File.WriteAllText(path, "a\nb\n");
        try
        {
            var scheduler = new TestScheduler();
            var lines = new List<SourceLine>();
            var completed = false;
            using var _ = LineSource.Replay(path, new FileReplayOptions { AsFastAsPossible = true }, scheduler).Subscribe(lines.Add, () => completed = true);
            scheduler.Start();

            Assert.True(completed);
            Assert.Equal([(path, 1L, "a"), (path, 2L, "b")], lines.Select(l => (l.Origin, l.LineNumber, l.Text)));
        }
        finally
        {
            File.Delete(path);
        }
    }
}

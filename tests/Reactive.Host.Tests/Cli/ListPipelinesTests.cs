namespace Reactive.Host.Tests.Cli;

public sealed class ListPipelinesTests
{
    [Fact]
    public void ListPipelines_WithSelection_ShowsWhatWouldRun()
    {
        var (exit, stdout, stderr) = CliRunner.Run("--list-pipelines", "--pipelines", "raw,wordcount");

        Assert.True(exit == 0, stderr);
        var enabled = stdout.Split('\n').Where(l => l.Length > 0 && !l.StartsWith(' ')).Skip(1)
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(f => f[2] == "yes").Select(f => f[0]).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["raw", "wordcount"], enabled);
        Assert.Contains("cannot replay", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void ListPipelines_BadConfiguration_ExitTwoNamingTheKey()
    {
        var (exit, _, stderr) = CliRunner.Run("--list-pipelines", "--Pipelines:raw:Source:Port", "x");

        Assert.Equal(2, exit);
        Assert.Contains("Pipelines:raw:Source:Port: 'x' is not a whole number", stderr, StringComparison.Ordinal);
    }
}

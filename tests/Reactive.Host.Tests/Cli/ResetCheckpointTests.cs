using Reactive.Host.Checkpoints;
using Reactive.Host.Pipelines;

namespace Reactive.Host.Tests.Cli;

/// <summary><c>reactive --reset-checkpoint NAME</c>, the way out that every checkpoint error message names.</summary>
public sealed class ResetCheckpointTests
{
    private static string[] Config(string state) =>
    [
        "--Reactive:StateDirectory", state,
        "--pipelines", "quotes",
        "--Pipelines:quotes:Kind", "spread",
        "--Pipelines:quotes:Source:Kind", "generator",
        "--Pipelines:quotes:Source:Generator", "bbo",
    ];

    [Fact]
    public void ResetCheckpoint_OfAPipelineWithOne_DeletesItsDirectory_ThenSaysThereIsNothingToReset()
    {
        var state = Path.Combine(Path.GetTempPath(), "reactive-reset-" + Guid.NewGuid().ToString("N"));
        var directory = PipelineCheckpoint.DirectoryOf(state, "quotes");
        using (var checkpoint = CheckpointDirectory.Open(directory, new CheckpointMetadata("quotes", "spread", "f")))
        {
            checkpoint.Recover();
        }

        Assert.True(Directory.Exists(directory));

        var (exit, stdout, stderr) = CliRunner.Run(["--reset-checkpoint", "quotes", .. Config(state)]);

        Assert.True(exit == 0, stderr);
        Assert.False(Directory.Exists(directory));
        Assert.Contains($"deleted the checkpoint of pipeline quotes ({directory})", stdout, StringComparison.Ordinal);

        (exit, stdout, stderr) = CliRunner.Run(["--reset-checkpoint", "quotes", .. Config(state)]);
        Assert.True(exit == 0, stderr);
        Assert.Contains("has no checkpoint", stdout, StringComparison.Ordinal);
        Directory.Delete(state, recursive: true);
    }

    [Fact]
    public void ResetCheckpoint_UnknownPipelineNoNameOrNoStateDirectory_Exit2NamingTheProblem()
    {
        var state = Path.Combine(Path.GetTempPath(), "reactive-reset-" + Guid.NewGuid().ToString("N"));

        var (exit, _, stderr) = CliRunner.Run(["--reset-checkpoint", "nope", .. Config(state)]);
        Assert.Equal(2, exit);
        Assert.Contains("no pipeline named 'nope'", stderr, StringComparison.Ordinal);

        (exit, _, stderr) = CliRunner.Run(["--reset-checkpoint", .. Config(state)]);
        Assert.Equal(2, exit);
        Assert.Contains("give the pipeline's name", stderr, StringComparison.Ordinal);

        (exit, _, stderr) = CliRunner.Run(["--reset-checkpoint", "quotes", .. Config(state)[2..]]);
        Assert.Equal(2, exit);
        Assert.Contains("Reactive:StateDirectory is not set", stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(state));
    }
}

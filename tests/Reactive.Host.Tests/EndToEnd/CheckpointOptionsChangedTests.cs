using System.Net.Http.Json;
using System.Text.Json;
using Reactive.Host.Tests.Cli;

namespace Reactive.Host.Tests.EndToEnd;

/// <summary>
/// A checkpoint written with other options: the pipeline stops (no restart loop, the service goes on) with a message
/// naming the directory, what changed and what to do; <c>reactive --reset-checkpoint NAME</c> lets it start over.
/// </summary>
public sealed class CheckpointOptionsChangedTests
{
    private static string[] Args(string work, string window) =>
    [
        "--urls", "http://127.0.0.1:0",
        "--pipelines", "g",
        "--Reactive:StateDirectory", Path.Combine(work, "state"),
        "--Pipelines:g:Kind", "aggregate",
        "--Pipelines:g:Source:Kind", "generator",
        "--Pipelines:g:Source:Generator", "bitcoin",
        "--Pipelines:g:Source:Rows", "2000",
        "--Pipelines:g:Source:AsFastAsPossible", "true",
        "--Pipelines:g:Options:TimeField", "timestamp",
        "--Pipelines:g:Options:Window", window,
        "--Pipelines:g:Options:Watermark", "1 minute",
        "--Pipelines:g:Options:Aggregates", "count,avg(euro_rate)",
        "--Pipelines:g:Sinks:0:Kind", "table",
        "--Pipelines:g:Sinks:0:Table", "g",
    ];

    private static async Task<JsonElement> RunUntilStoppedAsync(string work, string window)
    {
        await using var service = ServiceProcess.Start(work, null, Args(work, window));
        var url = await service.WaitForUrlAsync(TimeSpan.FromSeconds(60));
        using var http = new HttpClient { BaseAddress = url };
        for (var deadline = DateTime.UtcNow.AddSeconds(60); DateTime.UtcNow < deadline; await Task.Delay(50))
        {
            var progress = await http.GetFromJsonAsync<JsonElement>("/api/pipelines/g");
            if (progress.GetProperty("state").GetString() == "Stopped")
            {
                Assert.Equal(0, await service.TerminateAsync(TimeSpan.FromSeconds(30)));
                return progress;
            }
        }

        throw new TimeoutException($"pipeline g did not stop:\n{service.Stderr}");
    }

    [Fact]
    public async Task RestartWithAnotherWindow_StopsNamingTheChange_ResetLetsItStartOver()
    {
        var work = ServiceProcess.NewWorkingDirectory();
        var first = await RunUntilStoppedAsync(work, "10 minutes");
        Assert.Equal("Finished", first.GetProperty("stopReason").GetString());
        Assert.Equal("exactly-once", first.GetProperty("delivery").GetString());
        var directory = Path.Combine(work, "state", "g");
        Assert.Equal(directory, first.GetProperty("checkpoint").GetString());
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(directory, "commits")));

        var refused = await RunUntilStoppedAsync(work, "5 minutes");
        Assert.Equal("CheckpointUnusable", refused.GetProperty("stopReason").GetString());
        var error = refused.GetProperty("lastError").GetString()!;
        Assert.Contains(directory, error, StringComparison.Ordinal);
        Assert.Contains("00:10:00", error, StringComparison.Ordinal);
        Assert.Contains("reactive --reset-checkpoint g", error, StringComparison.Ordinal);
        Assert.Equal(0, refused.GetProperty("inputRows").GetInt64());

        var (exit, stdout, stderr) = CliRunner.Run(["--reset-checkpoint", "g", .. Args(work, "5 minutes")]);
        Assert.True(exit == 0, stderr);
        Assert.Contains("deleted the checkpoint of pipeline g", stdout, StringComparison.Ordinal);

        var again = await RunUntilStoppedAsync(work, "5 minutes");
        Assert.Equal("Finished", again.GetProperty("stopReason").GetString());
        Assert.Equal(2000, again.GetProperty("inputRows").GetInt64());
    }
}

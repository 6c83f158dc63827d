using System.Diagnostics;
using System.Text.Json;
using Reactive.Testing.Kinesis;

namespace Reactive.Host.Tests.EndToEnd;

/// <summary>
/// The service image's HEALTHCHECK, as the Dockerfile writes it (<c>dotnet reactive.dll health --url …</c>), run against
/// the built service: exit 0 while <c>/healthz</c> answers 200, 1 when it answers 503 or nothing listens.
/// </summary>
public sealed class HealthCommandTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task HealthCheckOfTheImage_HealthyService_ExitsZero()
    {
        var (arguments, url) = HealthCheck();
        await using var service = ServiceProcess.Start(ServiceProcess.NewWorkingDirectory(), null, "--urls", "http://127.0.0.1:0", "--pipelines", "sample-wordcount");
        var address = await service.WaitForUrlAsync(Deadline);

        var (exit, stdout, _) = await PollAsync([.. arguments, "--url", new Uri(address, url.PathAndQuery).ToString()], e => e == 0);

        Assert.Equal(0, exit);
        Assert.Contains("answered 200 {\"status\":\"Healthy\"", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HealthCheckOfTheImage_PipelineCannotConnect_ExitsOneOn503()
    {
        var (arguments, url) = HealthCheck();
        var port = ServiceProcess.FreePort();
        await using var service = ServiceProcess.Start(ServiceProcess.NewWorkingDirectory(), null,
            "--urls", "http://127.0.0.1:0", "--pipelines", "wordcount", "--Pipelines:wordcount:Source:Host", "127.0.0.1", "--Pipelines:wordcount:Source:Port", port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var address = await service.WaitForUrlAsync(Deadline);

        var (exit, _, stderr) = await PollAsync([.. arguments, "--url", new Uri(address, url.PathAndQuery).ToString()], e => e != 0);

        Assert.Equal(1, exit);
        Assert.Contains("answered 503", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HealthCheckOfTheImage_NothingListens_ExitsOne()
    {
        var (arguments, _) = HealthCheck();

        await using var check = ServiceProcess.Start(ServiceProcess.NewWorkingDirectory(), null, [.. arguments, "--url", $"http://127.0.0.1:{ServiceProcess.FreePort()}/healthz"]);
        var exit = await check.WaitForExitAsync(Deadline);

        Assert.Equal(1, exit);
        Assert.Contains("did not answer", check.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HealthCommand_BadUrl_ExitsTwoSayingWhy()
    {
        await using var check = ServiceProcess.Start(ServiceProcess.NewWorkingDirectory(), null, "health", "--url", "ftp://127.0.0.1/healthz");

        Assert.Equal(2, await check.WaitForExitAsync(Deadline));
        Assert.Contains("reactive health: --url must be an absolute http URL", check.Stderr, StringComparison.Ordinal);
    }

    /// <summary>The kinesalite image's HEALTHCHECK (a node one-liner) against kinesalite started as the tests start it, then stopped.</summary>
    [Fact]
    public async Task HealthCheckOfTheKinesaliteImage_Listening_ExitsZero_Stopped_ExitsOne()
    {
        var stage = ComposeFile.Dockerfile().Stages["kinesalite"];
        var health = Assert.Single(stage, i => i.StartsWith("HEALTHCHECK ", StringComparison.Ordinal));
        var command = JsonSerializer.Deserialize<string[]>(health[(health.IndexOf(" CMD ", StringComparison.Ordinal) + 5)..])!;
        var entrypoint = JsonSerializer.Deserialize<string[]>(Assert.Single(stage, i => i.StartsWith("ENTRYPOINT ", StringComparison.Ordinal))[11..])!;
        Assert.Equal(["node", "kinesalite.js", "--port", "4567", "--host", "0.0.0.0"], entrypoint);
        Assert.Contains("EXPOSE 4567", stage);
        Assert.Equal("node", command[0]);
        Assert.Contains("http://127.0.0.1:4567/", command[2], StringComparison.Ordinal);
        await using var kinesalite = await KinesaliteServer.StartAsync();
        string[] check = [command[1], command[2].Replace("127.0.0.1:4567", $"127.0.0.1:{kinesalite.Port}", StringComparison.Ordinal)];

        var listening = await RunNodeAsync(check);
        await kinesalite.StopAsync();
        var stopped = await RunNodeAsync(check);

        Assert.Equal((0, 1), (listening, stopped));
    }

    private static async Task<int> RunNodeAsync(string[] arguments)
    {
        using var process = Process.Start(NodeTools.NodePath ?? "node", arguments);
        using var timeout = new CancellationTokenSource(Deadline);
        await process.WaitForExitAsync(timeout.Token);
        return process.ExitCode;
    }

    private static (string[] Arguments, Uri Url) HealthCheck() => ComposeFile.HealthCheck("reactive", "reactive.dll");

    /// <summary>Runs the check every half second until its exit code satisfies <paramref name="done"/>.</summary>
    private static async Task<(int Exit, string Stdout, string Stderr)> PollAsync(string[] arguments, Func<int, bool> done)
    {
        var deadline = DateTime.UtcNow + Deadline;
        while (true)
        {
            await using var check = ServiceProcess.Start(ServiceProcess.NewWorkingDirectory(), null, arguments);
            var exit = await check.WaitForExitAsync(Deadline);
            if (done(exit) || DateTime.UtcNow > deadline)
            {
                return (exit, check.Stdout, check.Stderr);
            }

            await Task.Delay(500);
        }
    }
}

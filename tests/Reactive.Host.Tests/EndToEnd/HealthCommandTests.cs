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

using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace Reactive.Host.Tests.EndToEnd;

public sealed partial class ResilienceTests
{
    [Fact]
    public async Task Service_FailingPipeline_RestartsWithBackoffWhileOthersRun()
    {
        var closedPort = ServiceProcess.FreePort();
        await using var service = ServiceProcess.Start(
            ServiceProcess.NewWorkingDirectory(),
            null,
            "--pipelines", "sample-wordcount,wordcount",
            "--Pipelines:sample-wordcount:Options:BatchInterval", "1 second",
            "--Pipelines:sample-wordcount:Source:Interval", "20 milliseconds",
            "--Pipelines:wordcount:Source:Host", "127.0.0.1",
            "--Pipelines:wordcount:Source:Port", closedPort.ToString(CultureInfo.InvariantCulture),
            "--Pipelines:wordcount:Source:Reconnect:MaxRetries", "0",
            "--Reactive:Restart:InitialDelay", "200 milliseconds",
            "--Reactive:Restart:MaxDelay", "400 milliseconds",
            "--urls", "http://127.0.0.1:0");

        var url = await service.WaitForUrlAsync(TimeSpan.FromSeconds(30));
        await service.WaitForStderrAsync("(attempt 3)", TimeSpan.FromSeconds(30));

        // While it backs off, health says so, naming the pipeline and the reason. Between two backoffs the restarted
        // source is connecting again (Degraded) for a moment, so health is polled until it shows a backoff.
        using var http = new HttpClient { BaseAddress = url };
        var status = System.Net.HttpStatusCode.OK;
        var body = string.Empty;
        for (var deadline = DateTime.UtcNow.AddSeconds(30); DateTime.UtcNow < deadline; await Task.Delay(20))
        {
            using var health = await http.GetAsync("/healthz");
            (status, body) = (health.StatusCode, await health.Content.ReadAsStringAsync());
            // A connecting source is Degraded, also 503: wait for the backoff itself.
            if (status == System.Net.HttpStatusCode.ServiceUnavailable && body.Contains("Unhealthy", StringComparison.Ordinal))
            {
                break;
            }

            Assert.Contains("wordcount", body, StringComparison.Ordinal);
        }

        Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, status);
        Assert.Contains("wordcount", body, StringComparison.Ordinal);
        Assert.Contains("Unhealthy", body, StringComparison.Ordinal);
        await service.WaitForStdoutAsync(o => SampleWordCountTests.TupleLine().IsMatch(o), TimeSpan.FromSeconds(30), "the sample pipeline's counts");
        Assert.Equal(0, await service.TerminateAsync(TimeSpan.FromSeconds(10)));

        // Backoff doubles from 200 ms and is capped at 400 ms.
        var delays = RestartDelay().Matches(service.Stderr).Select(m => m.Groups[1].Value).Take(3).ToList();
        Assert.Equal(["00:00:00.2000000", "00:00:00.4000000", "00:00:00.4000000"], delays);
        Assert.Contains($"127.0.0.1:{closedPort}", service.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Service_Sigterm_FlushesThePartialBatchAndExitsZero()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        await using var service = ServiceProcess.Start(
            ServiceProcess.NewWorkingDirectory(),
            null,
            "--pipelines", "wordcount",
            "--Pipelines:wordcount:Source:Host", "127.0.0.1",
            "--Pipelines:wordcount:Source:Port", ((IPEndPoint)listener.LocalEndpoint).Port.ToString(CultureInfo.InvariantCulture),
            "--Pipelines:wordcount:Options:BatchInterval", "1 hour",
            "--urls", "http://127.0.0.1:0");
        using var client = await listener.AcceptTcpClientAsync().WaitAsync(TimeSpan.FromSeconds(30));
        await client.GetStream().WriteAsync(Encoding.UTF8.GetBytes("last words last\n"));
        await service.WaitForStderrAsync("connected; reading lines", TimeSpan.FromSeconds(30));
        await Task.Delay(500);

        var started = DateTime.UtcNow;
        var exit = await service.TerminateAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(0, exit);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(5), "exits within a few seconds");
        Assert.Contains("('last', 2)\n('words', 1)\n", service.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Service_SigtermWhileStarting_ExitsZeroWithoutAStackTrace()
    {
        // "Enabled pipelines" is logged just before the host starts (binds its port, starts the pipelines): a
        // SIGTERM sent as soon as it appears lands in that start-up. It used to cancel Kestrel's bind and end the
        // process with an unhandled TaskCanceledException (exit 134). Three tries, since the moment varies.
        for (var attempt = 0; attempt < 3; attempt++)
        {
            await using var service = ServiceProcess.Start(ServiceProcess.NewWorkingDirectory(), null, "--urls", "http://127.0.0.1:0");
            await service.WaitForStderrAsync("Enabled pipelines", TimeSpan.FromSeconds(30));
            var exit = await service.TerminateAsync(TimeSpan.FromSeconds(10));

            Assert.DoesNotContain("Unhandled exception", service.Stderr, StringComparison.Ordinal);
            Assert.Equal(0, exit);
        }
    }

    [GeneratedRegex(@"restarting in (\S+) \(attempt \d+\)")]
    private static partial Regex RestartDelay();
}

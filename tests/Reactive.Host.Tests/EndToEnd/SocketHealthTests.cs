using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Reactive.Host.Tests.EndToEnd;

/// <summary>The built service's <c>/healthz</c> while its socket source loses its server and reconnects.</summary>
public sealed class SocketHealthTests
{
    [Fact]
    public async Task Health_ServerGoesAway_DegradedWithTheReasonWhileReconnecting_HealthyAgainOnceBack()
    {
        var port = ServiceProcess.FreePort();
        var listener = new TcpListener(IPAddress.Loopback, port);
        listener.Start();
        await using var service = ServiceProcess.Start(
            ServiceProcess.NewWorkingDirectory(),
            null,
            "--pipelines", "wordcount",
            "--Pipelines:wordcount:Source:Host", "127.0.0.1",
            "--Pipelines:wordcount:Source:Port", port.ToString(CultureInfo.InvariantCulture),
            "--Pipelines:wordcount:Source:Reconnect:InitialDelay", "100 milliseconds",
            "--Pipelines:wordcount:Source:Reconnect:MaxDelay", "500 milliseconds",
            "--Pipelines:wordcount:Options:BatchInterval", "1 second",
            "--urls", "http://127.0.0.1:0");
        var url = await service.WaitForUrlAsync(TimeSpan.FromSeconds(30));
        using var http = new HttpClient { BaseAddress = url };

        using (var first = await listener.AcceptTcpClientAsync().WaitAsync(TimeSpan.FromSeconds(30)))
        {
            await first.GetStream().WriteAsync(Encoding.UTF8.GetBytes("before\n"));
            await service.WaitForStdoutAsync(o => o.Contains("('before', 1)", StringComparison.Ordinal), TimeSpan.FromSeconds(30), "the first line counted");
            var connected = await HealthAsync(http);
            Assert.Equal((HttpStatusCode.OK, "Healthy"), (connected.Code, connected.Status));
        }

        listener.Stop();
        await service.WaitForStderrAsync("reconnecting", TimeSpan.FromSeconds(30));
        var away = await HealthAsync(http);

        Assert.Equal((HttpStatusCode.ServiceUnavailable, "Degraded"), (away.Code, away.Status));
        Assert.StartsWith("wordcount's source is retrying: ", away.Description, StringComparison.Ordinal);
        Assert.Contains($"127.0.0.1:{port}", away.Description, StringComparison.Ordinal);
        Assert.Equal("Running", away.Pipelines.GetProperty("wordcount").GetString());

        listener = new TcpListener(IPAddress.Loopback, port);
        listener.Start();
        try
        {
            using var second = await listener.AcceptTcpClientAsync().WaitAsync(TimeSpan.FromSeconds(30));
            await second.GetStream().WriteAsync(Encoding.UTF8.GetBytes("after\n"));
            await service.WaitForStdoutAsync(o => o.Contains("('after', 1)", StringComparison.Ordinal), TimeSpan.FromSeconds(30), "a line after reconnecting");

            // The line was read, so the source said "connected" before it: health is back.
            var back = await HealthAsync(http);
            Assert.Equal((HttpStatusCode.OK, "Healthy"), (back.Code, back.Status));
        }
        finally
        {
            listener.Stop();
        }

        Assert.Equal(0, await service.TerminateAsync(TimeSpan.FromSeconds(10)));
    }

    private static async Task<(HttpStatusCode Code, string? Status, string? Description, JsonElement Pipelines)> HealthAsync(HttpClient http)
    {
        using var response = await http.GetAsync("/healthz");
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        return (response.StatusCode, body.GetProperty("status").GetString(), body.GetProperty("description").GetString(), body.GetProperty("pipelines").Clone());
    }
}

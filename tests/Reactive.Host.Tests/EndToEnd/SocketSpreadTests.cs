using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Reactive.Sources.Generators;

namespace Reactive.Host.Tests.EndToEnd;

/// <summary>The course's <c>stdbuf -oL cat 14081.csv | ncat localhost 9999</c>, header line included, into the spread pipeline.</summary>
public sealed class SocketSpreadTests
{
    [Fact]
    public async Task Spread_QuotesOverSocket_EverySecondOnceAndTheHeaderSkipped()
    {
        var csv = new StringWriter { NewLine = "\r\n" };
        BboQuoteGenerator.Write(csv, new BboQuoteGeneratorOptions { Rows = 3000, Seed = 7 });
        var lines = csv.ToString().Split("\r\n", StringSplitOptions.RemoveEmptyEntries);

        // Independent expectation: distinct local seconds of the data rows (the zone maps seconds one to one).
        var seconds = lines.Skip(1).Select(l => l.Split(',')).Select(f => $"{f[1]} {f[2][..8]}").Distinct().Count();
        var minutes = lines.Skip(1).Select(l => l.Split(',')).Select(f => $"{f[1]} {f[2][..5]}").Distinct().Count();

        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        await using var service = ServiceProcess.Start(
            ServiceProcess.NewWorkingDirectory(),
            null,
            "--urls", "http://127.0.0.1:0",
            "--pipelines", "spread",
            "--Pipelines:spread:Kind", "spread",
            "--Pipelines:spread:Source:Kind", "socket",
            "--Pipelines:spread:Source:Host", "127.0.0.1",
            "--Pipelines:spread:Source:Port", ((IPEndPoint)listener.LocalEndpoint).Port.ToString(CultureInfo.InvariantCulture));
        using (var client = await listener.AcceptTcpClientAsync().WaitAsync(TimeSpan.FromSeconds(30)))
        {
            await client.GetStream().WriteAsync(Encoding.UTF8.GetBytes(csv.ToString()));
        }

        // Windows are final once the watermark passes them; the last second and minute are flushed at shutdown.
        await service.WaitForStdoutAsync(o => o.Split('\n').Count(l => l.Contains("\"kind\":\"second\"", StringComparison.Ordinal)) >= seconds - 1, TimeSpan.FromSeconds(30), "the seconds");
        Assert.Equal(0, await service.TerminateAsync(TimeSpan.FromSeconds(10)));

        var rows = service.Stdout.Split('\n').Where(l => l.StartsWith('{')).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(seconds, rows.Count(r => r.GetProperty("kind").GetString() == "second"));
        Assert.Equal(minutes, rows.Count(r => r.GetProperty("kind").GetString() == "minute"));
        Assert.Equal(3000, rows.Where(r => r.GetProperty("kind").GetString() == "second").Sum(r => r.GetProperty("count").GetInt64()));
        Assert.DoesNotContain("rejected a row", service.Stderr, StringComparison.Ordinal);
    }
}

using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Reactive.Host.Tests.EndToEnd;

/// <summary>Issue 16 points 4 and 5 against the built service: its memory (RSS) and its standard error.</summary>
public sealed class SqlBudgetProcessTests
{
    [Fact]
    public async Task Service_HugeValuesAndForeignCallers_AreRefusedWithoutMemoryOrStackTraces()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port.ToString(CultureInfo.InvariantCulture);
        await using var service = ServiceProcess.Start(
            ServiceProcess.NewWorkingDirectory(),
            null,
            "--urls", "http://127.0.0.1:0",
            "--pipelines", "raw",
            "--Pipelines:raw:Kind", "rawtable",
            "--Pipelines:raw:Source:Kind", "socket",
            "--Pipelines:raw:Source:Host", "127.0.0.1",
            "--Pipelines:raw:Source:Port", port);
        var url = await service.WaitForUrlAsync(TimeSpan.FromSeconds(30));
        using var http = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(60) };
        using (var warm = await http.PostAsJsonAsync("/api/sql", new { sql = "SELECT 1" }))
        {
            Assert.Equal(HttpStatusCode.OK, warm.StatusCode);
        }

        var statuses = new List<(string What, HttpStatusCode Status, string? Setting)>();
        foreach (var bytes in new[] { 100_000_000, 300_000_000, 1_000_000_000 })
        {
            using var response = await http.PostAsJsonAsync("/api/sql", new { sql = $"SELECT zeroblob({bytes})" });
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            statuses.Add(($"zeroblob({bytes})", response.StatusCode, json.RootElement.TryGetProperty("setting", out var s) ? s.GetString() : null));
        }

        using (var evilHost = new HttpRequestMessage(HttpMethod.Get, "/api/tables"))
        {
            evilHost.Headers.Host = "evil.example";
            using var response = await http.SendAsync(evilHost);
            statuses.Add(("Host: evil.example", response.StatusCode, null));
        }

        using (var evilOrigin = new HttpRequestMessage(HttpMethod.Post, "/api/sql") { Content = new StringContent("{\"sql\":\"SELECT * FROM new_dataframe\"}", Encoding.UTF8, "application/json") })
        {
            evilOrigin.Headers.TryAddWithoutValidation("Origin", "http://evil.example");
            using var response = await http.SendAsync(evilOrigin);
            statuses.Add(("Origin: http://evil.example", response.StatusCode, null));
        }

        using (var plain = await http.PostAsync("/api/sql", new StringContent("SELECT * FROM new_dataframe", Encoding.UTF8, "text/plain")))
        {
            statuses.Add(("text/plain", plain.StatusCode, null));
        }

        var peak = PeakResidentBytes(service.Pid);

        Assert.Equal(
            [
                ("zeroblob(100000000)", HttpStatusCode.BadRequest, "Sql:MaxValueBytes"),
                ("zeroblob(300000000)", HttpStatusCode.BadRequest, "Sql:MaxValueBytes"),
                ("zeroblob(1000000000)", HttpStatusCode.BadRequest, "Sql:MaxValueBytes"),
                ("Host: evil.example", HttpStatusCode.BadRequest, null),
                ("Origin: http://evil.example", HttpStatusCode.Forbidden, null),
                ("text/plain", HttpStatusCode.UnsupportedMediaType, null),
            ],
            statuses);
        Assert.True(peak < 400L << 20, $"the service's peak RSS is {peak >> 20} MiB");
        Assert.Equal(0, await service.TerminateAsync(TimeSpan.FromSeconds(10)));
        Assert.DoesNotContain("   at ", service.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", service.Stderr, StringComparison.Ordinal);
    }

    /// <summary>VmHWM of /proc/PID/status: the process's peak resident memory so far (0 where there is no /proc).</summary>
    private static long PeakResidentBytes(int pid)
    {
        if (!File.Exists($"/proc/{pid}/status"))
        {
            return 0;
        }

        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
    }
}

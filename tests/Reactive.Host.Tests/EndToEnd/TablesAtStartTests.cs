using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;

namespace Reactive.Host.Tests.EndToEnd;

public sealed class TablesAtStartTests
{
    [Fact]
    public async Task Tables_ExistEmptyBeforeTheFirstResult_WithTheirColumns()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port.ToString(CultureInfo.InvariantCulture);
        await using var service = ServiceProcess.Start(
            ServiceProcess.NewWorkingDirectory(),
            null,
            "--urls", "http://127.0.0.1:0",
            "--pipelines", "s,a",
            "--Reactive:StateDirectory", "state",
            "--Pipelines:s:Kind", "spread",
            "--Pipelines:s:Source:Kind", "socket",
            "--Pipelines:s:Source:Host", "127.0.0.1",
            "--Pipelines:s:Source:Port", port,
            "--Pipelines:s:Sinks:0:Kind", "table",
            "--Pipelines:s:Sinks:0:Table", "spread",
            "--Pipelines:a:Kind", "aggregate",
            "--Pipelines:a:Source:Kind", "socket",
            "--Pipelines:a:Source:Host", "127.0.0.1",
            "--Pipelines:a:Source:Port", port,
            "--Pipelines:a:Options:TimeField", "t",
            "--Pipelines:a:Options:Window", "1 minute",
            "--Pipelines:a:Options:Watermark", "10 seconds",
            "--Pipelines:a:Options:GroupBy", "sym",
            "--Pipelines:a:Options:Aggregates", "count,avg(px)",
            "--Pipelines:a:Sinks:0:Kind", "table",
            "--Pipelines:a:Sinks:0:Table", "bars");
        var url = await service.WaitForUrlAsync(TimeSpan.FromSeconds(30));
        using var http = new HttpClient { BaseAddress = url };

        Dictionary<string, JsonElement> tables = [];
        for (var deadline = DateTime.UtcNow.AddSeconds(30); DateTime.UtcNow < deadline && tables.Count < 2; await Task.Delay(100))
        {
            var answer = await http.GetFromJsonAsync<JsonElement>("/api/tables");
            tables = answer.EnumerateArray().ToDictionary(t => t.GetProperty("name").GetString()!, t => t);
        }

        Assert.Equal(0, tables["spread"].GetProperty("rows").GetInt64());
        var columns = tables["bars"].GetProperty("columns").EnumerateArray().Select(c => c.GetProperty("name").GetString()).ToList();
        Assert.Equal(["sym", "count", "avg_px"], columns.Where(c => !c!.StartsWith("window", StringComparison.Ordinal)));
        using var response = await http.PostAsJsonAsync("/api/sql", new { sql = "SELECT count(*) FROM spread" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        // A socket cannot replay: its pipelines say they are at-most-once (no checkpoint, even with a state directory).
        var pipelines = await http.GetFromJsonAsync<JsonElement>("/api/pipelines");
        Assert.All(pipelines.EnumerateArray(), p => Assert.Equal("at-most-once", p.GetProperty("delivery").GetString()));
        Assert.Equal(2, pipelines.GetArrayLength());
        Assert.Equal(0, await service.TerminateAsync(TimeSpan.FromSeconds(10)));
    }
}

using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Reactive.Host.Tests.EndToEnd;

/// <summary>
/// The course's Structured Streaming example end to end: socket lines into the memory table
/// <c>new_dataframe</c>, then the course's SPLIT query while the stream runs.
/// </summary>
public sealed class RawTableTests
{
    private const string CourseQuery = "SELECT SPLIT(value,',')[0] AS Col1, SPLIT(value,',')[1] AS Col2 FROM new_dataframe";

    [Fact]
    public async Task RawTable_SocketLines_AnswerTheCourseSplitQueryOverHttpAndReactiveSql()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var config = Path.Combine(ServiceProcess.NewWorkingDirectory(), "appsettings.json");
        await using var service = ServiceProcess.Start(
            Path.GetDirectoryName(config)!,
            null,
            "--urls", "http://127.0.0.1:0",
            "--pipelines", "raw",
            "--Pipelines:raw:Kind", "rawtable",
            "--Pipelines:raw:Source:Kind", "socket",
            "--Pipelines:raw:Source:Host", "127.0.0.1",
            "--Pipelines:raw:Source:Port", port.ToString(CultureInfo.InvariantCulture));
        var url = await service.WaitForUrlAsync(TimeSpan.FromSeconds(30));

        using var client = await listener.AcceptTcpClientAsync().WaitAsync(TimeSpan.FromSeconds(30));
        await client.GetStream().WriteAsync(Encoding.UTF8.GetBytes("1,apple\ncherry\n3,kiwi,extra\n"));

        using var http = new HttpClient { BaseAddress = url };
        JsonElement answer = default;
        for (var deadline = DateTime.UtcNow.AddSeconds(30); DateTime.UtcNow < deadline;)
        {
            using var response = await http.PostAsJsonAsync("/api/sql", new { sql = CourseQuery });
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            answer = await response.Content.ReadFromJsonAsync<JsonElement>();
            if (answer.GetProperty("rowCount").GetInt32() == 3)
            {
                break;
            }

            await Task.Delay(100);
        }

        // SPLIT(…)[i] counts from 0 and gives null past the end, as Spark's does.
        var rows = answer.GetProperty("rows").EnumerateArray()
            .Select(r => string.Join("|", r.EnumerateArray().Select(v => v.ValueKind == JsonValueKind.Null ? "null" : v.GetString())))
            .ToList();
        Assert.Equal(["1|apple", "cherry|null", "3|kiwi"], rows);
        Assert.Equal(["Col1", "Col2"], answer.GetProperty("columns").EnumerateArray().Select(c => c.GetProperty("name").GetString()));

        // The same query through the command line, against the running service.
        var (exit, stdout, stderr) = Cli.CliRunner.Run("sql", "--url", url.ToString(), CourseQuery);
        Assert.True(exit == 0, stderr);
        Assert.Contains("apple", stdout, StringComparison.Ordinal);
        Assert.Contains("(3 rows)", stdout, StringComparison.Ordinal);
        var (jsonExit, json, _) = Cli.CliRunner.Run("sql", "--json", "--url", url.ToString(), CourseQuery);
        Assert.Equal(0, jsonExit);
        Assert.Equal(3, JsonDocument.Parse(json).RootElement.GetProperty("rowCount").GetInt32());

        // A write is refused, and the table is unchanged.
        using var refused = await http.PostAsJsonAsync("/api/sql", new { sql = "DELETE FROM new_dataframe" });
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var tables = await http.GetFromJsonAsync<JsonElement>("/api/tables");
        var table = tables.EnumerateArray().Single(t => t.GetProperty("name").GetString() == "new_dataframe");
        Assert.Equal(3, table.GetProperty("rows").GetInt64());

        // Progress shows the pipeline and its rows.
        var progress = await http.GetFromJsonAsync<JsonElement>("/api/pipelines/raw");
        Assert.Equal(3, progress.GetProperty("inputRows").GetInt64());
        Assert.Equal("Running", progress.GetProperty("state").GetString());
        using var health = await http.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        var metrics = await http.GetStringAsync("/metrics");
        Assert.Contains("reactive_pipeline_rows_in_total{pipeline=\"raw\"} 3", metrics, StringComparison.Ordinal);

        Assert.Equal(0, await service.TerminateAsync(TimeSpan.FromSeconds(10)));
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Reactive.Host.Tests.Http;

/// <summary>Issue 16 point 4: one query cannot take the service's memory, time or slots.</summary>
public sealed class SqlBudgetTests
{
    private const string Endless = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c";

    [Theory]
    [InlineData(300_000_000)]
    [InlineData(1_000_000_000)]
    public async Task Sql_HugeValue_IsABudgetProblemNamingMaxValueBytes_WithoutTheMemory(int bytes)
    {
        await using var server = await ApiServer.StartAsync();

        // A small query first, so that the time measured below is the huge value's and not the first request's start-up
        // (routing, SQLite, JSON: seconds on a loaded machine).
        using (var warm = await server.Client.PostAsJsonAsync("/api/sql", new { sql = "SELECT 1" }))
        {
            Assert.Equal(HttpStatusCode.OK, warm.StatusCode);
        }

        var peakBefore = PeakMemoryBytes();
        var started = TimeProvider.System.GetTimestamp();

        using var response = await server.Client.PostAsJsonAsync("/api/sql", new { sql = $"SELECT zeroblob({bytes})" });
        var body = await response.Content.ReadAsStringAsync();
        var elapsed = TimeProvider.System.GetElapsedTime(started);
        var grown = PeakMemoryBytes() - peakBefore;

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(body);
        Assert.Equal("Sql:MaxValueBytes", json.RootElement.GetProperty("setting").GetString());
        Assert.Contains("Sql:MaxValueBytes", json.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.True(body.Length < 2000, $"the answer is {body.Length} characters");
        Assert.InRange(elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(2));
        Assert.True(grown < 200L << 20, $"the process's peak memory grew by {grown >> 20} MiB");
        Assert.DoesNotContain(server.Logs.Entries, e => e.HasStackTrace);
    }

    [Fact]
    public async Task Sql_LargeResult_IsABudgetProblemNamingMaxResultBytes()
    {
        await using var server = await ApiServer.StartAsync();

        // 5,000 rows of 10,000 characters: 50 MB of JSON, past the 16 MiB default; each value is within 1 MiB.
        using var response = await server.Client.PostAsJsonAsync("/api/sql", new
        {
            sql = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 5000) SELECT x, printf('%.10000c', 'x') FROM c",
        });
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var json = JsonDocument.Parse(body);
        Assert.Equal("SQL budget exceeded", json.RootElement.GetProperty("title").GetString());
        Assert.Equal("Sql:MaxResultBytes", json.RootElement.GetProperty("setting").GetString());
        Assert.Contains("16 MiB (Sql:MaxResultBytes)", json.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(server.Logs.Entries, e => e.HasStackTrace);
    }

    [Fact]
    public async Task Sql_ResultWithinBudget_IsAnswered()
    {
        await using var server = await ApiServer.StartAsync();

        // 1,000 rows of 10,000 characters: 10 MB, within 16 MiB.
        using var response = await server.Client.PostAsJsonAsync("/api/sql", new
        {
            sql = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1000) SELECT x, printf('%.10000c', 'x') AS v FROM c",
        });
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1000, json.RootElement.GetProperty("rowCount").GetInt32());
        Assert.Equal(10_000, json.RootElement.GetProperty("rows")[999][1].GetString()!.Length);
    }

    [Fact]
    public async Task Sql_AnswerNotReadByTheClient_IsCutAtTheTimeLimitAndFreesItsSlot()
    {
        await using var server = await ApiServer.StartAsync(new Dictionary<string, string?>
        {
            ["Sql:TimeLimit"] = "3 seconds",
            ["Sql:MaxConcurrentQueries"] = "1",
            ["Sql:QueueLength"] = "0",
        });

        // 1,000 rows of 10,000 characters: a 10 MB answer (within 16 MiB), made in well under the time limit.
        const string Query = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1000) SELECT x, printf('%.10000c', 'x') FROM c";
        var payload = JsonSerializer.Serialize(new { sql = Query });
        using var client = new TcpClient { ReceiveBufferSize = 4096 };
        await client.ConnectAsync(server.Address.Host, server.Address.Port);
        var stream = client.GetStream();
        var request = $"POST /api/sql HTTP/1.1\r\nHost: 127.0.0.1:{server.Address.Port}\r\nContent-Type: application/json\r\nContent-Length: {Encoding.UTF8.GetByteCount(payload)}\r\n\r\n{payload}";
        var started = TimeProvider.System.GetTimestamp();

        // Sent, never read: the answer fills the socket's buffers (a few MB) and the service's write waits.
        await stream.WriteAsync(Encoding.UTF8.GetBytes(request));
        var cutWhileWriting = server.Logs.WhenLoggedAsync(4205);
        var stoppedBeforeWriting = server.Logs.WhenLoggedAsync(4201);
        var first = await Task.WhenAny(cutWhileWriting, stoppedBeforeWriting).WaitAsync(TimeSpan.FromSeconds(30));
        var cut = TimeProvider.System.GetElapsedTime(started);

        Assert.True(first == cutWhileWriting, "the query was stopped before its answer was written: too slow a machine for this test");
        Assert.InRange(cut, TimeSpan.FromSeconds(2.9), TimeSpan.FromSeconds(6));
        var received = await ReadToEndAsync(stream);
        Assert.True(received < 10_000_000, $"{received} bytes arrived: the answer was written whole");
        using var next = await server.Client.PostAsJsonAsync("/api/sql", new { sql = "SELECT 1" });
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
        Assert.DoesNotContain(server.Logs.Entries, e => e.HasStackTrace);
    }

    [Fact]
    public async Task Sql_MoreSlowQueriesThanSlotsAndQueue_AreAnswered503WithRetryAfterAtOnce()
    {
        await using var server = await ApiServer.StartAsync(new Dictionary<string, string?>
        {
            ["Sql:TimeLimit"] = "3 seconds",
            ["Sql:MaxConcurrentQueries"] = "1",
            ["Sql:QueueLength"] = "1",
        });

        var running = server.Client.PostAsJsonAsync("/api/sql", new { sql = Endless });
        await WaitUntilAsync(() => server.Sql.Admitted == 1);
        var queued = server.Client.PostAsJsonAsync("/api/sql", new { sql = Endless });
        await WaitUntilAsync(() => server.Sql.Admitted == 2);
        var started = TimeProvider.System.GetTimestamp();
        using var refused = await server.Client.PostAsJsonAsync("/api/sql", new { sql = Endless });
        var elapsed = TimeProvider.System.GetElapsedTime(started);
        using var json = JsonDocument.Parse(await refused.Content.ReadAsStringAsync());
        using var first = await running;
        using var second = await queued;

        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.Equal(TimeSpan.FromSeconds(3), refused.Headers.RetryAfter?.Delta);
        Assert.Contains("Sql:MaxConcurrentQueries", json.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.InRange(elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(1.5));
        Assert.Equal(HttpStatusCode.RequestTimeout, first.StatusCode);

        // The queued one got the slot when the first was stopped, or had waited the whole time limit by then.
        Assert.Contains(second.StatusCode, new[] { HttpStatusCode.RequestTimeout, HttpStatusCode.ServiceUnavailable });
        Assert.Equal(0, server.Sql.Admitted);
        Assert.DoesNotContain(server.Logs.Entries, e => e.HasStackTrace);
    }

    [Fact]
    public async Task Sql_QueuedForTheWholeTimeLimit_Is503NotAWaitPastIt()
    {
        await using var server = await ApiServer.StartAsync(new Dictionary<string, string?>
        {
            ["Sql:TimeLimit"] = "1 second",
            ["Sql:MaxConcurrentQueries"] = "1",
            ["Sql:QueueLength"] = "1",
        });

        // The only slot is held (as a query writing a slow answer would) until the waiting query has its answer.
        using var held = await server.Sql.EnterAsync(CancellationToken.None);
        var started = TimeProvider.System.GetTimestamp();
        using var waited = await server.Client.PostAsJsonAsync("/api/sql", new { sql = "SELECT 1" });
        var elapsed = TimeProvider.System.GetElapsedTime(started);
        using var json = JsonDocument.Parse(await waited.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.ServiceUnavailable, waited.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(1), waited.Headers.RetryAfter?.Delta);
        Assert.Contains("Sql:TimeLimit", json.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.InRange(elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(5));
        Assert.DoesNotContain(server.Logs.Entries, e => e.HasStackTrace);
    }

    [Fact]
    public async Task SqlCommand_OverBudget_PrintsTheSettingAndFails()
    {
        await using var server = await ApiServer.StartAsync();
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var exit = await Reactive.Host.Cli.SqlCommand.RunAsync(["SELECT zeroblob(300000000)", "--url", server.Address.ToString()], stdout, stderr, CancellationToken.None);

        Assert.Equal(1, exit);
        Assert.Contains("Sql:MaxValueBytes", stderr.ToString(), StringComparison.Ordinal);
    }

    /// <summary>The process's peak resident memory (VmHWM) on Linux; else the working set now.</summary>
    private static long PeakMemoryBytes()
    {
        if (File.Exists("/proc/self/status"))
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
            {
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    return long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) * 1024;
                }
            }
        }

        using var process = System.Diagnostics.Process.GetCurrentProcess();
        return process.WorkingSet64;
    }

    private static async Task<long> ReadToEndAsync(NetworkStream stream)
    {
        var buffer = new byte[1 << 16];
        long total = 0;
        try
        {
            int n;
            while ((n = await stream.ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(30))) > 0)
            {
                total += n;
            }
        }
        catch (IOException)
        {
            // Reset by the service: the connection was aborted.
        }

        return total;
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var started = TimeProvider.System.GetTimestamp();
        while (!condition())
        {
            Assert.True(TimeProvider.System.GetElapsedTime(started) < TimeSpan.FromSeconds(30), "the condition never held");
            await Task.Delay(TimeSpan.FromMilliseconds(5), TimeProvider.System);
        }
    }
}

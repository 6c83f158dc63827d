using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Reactive.Host.Progress;
using Reactive.Host.Cli;
using Reactive.Host.Sql;
using Reactive.Host.Tables;
using Reactive.Host.Tests.Metrics;
using Reactive.Sources.Kinesis;

namespace Reactive.Host.Tests.Http;

public sealed class ReactiveApiTests
{
    private const string SplitQuery = "SELECT SPLIT(value,',')[0] AS Col1, SPLIT(value,',')[1] AS Col2 FROM new_dataframe";

    [Fact]
    public async Task Sql_CourseSplitQuery_ReturnsColumnsAndRows()
    {
        await using var server = await ApiServer.StartAsync();
        await FillRawTableAsync(server);

        using var response = await server.Client.PostAsJsonAsync("/api/sql", new { sql = SplitQuery });
        using var json = await ReadJsonAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var root = json.RootElement;
        Assert.Equal(["Col1", "Col2"], root.GetProperty("columns").EnumerateArray().Select(c => c.GetProperty("name").GetString()));
        Assert.Equal(["TEXT", "TEXT"], root.GetProperty("columns").EnumerateArray().Select(c => c.GetProperty("type").GetString()));
        Assert.Equal(
            [["1", "apple"], ["2", "banana"], ["cherry", null]],
            root.GetProperty("rows").EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.ValueKind == JsonValueKind.Null ? null : v.GetString()).ToList()));
        Assert.Equal(3, root.GetProperty("rowCount").GetInt32());
        Assert.False(root.GetProperty("truncated").GetBoolean());
    }

    [Fact]
    public async Task SqlCommand_CourseSplitQuery_PrintsATable()
    {
        await using var server = await ApiServer.StartAsync();
        await FillRawTableAsync(server);
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var exit = await SqlCommand.RunAsync(["sql", SplitQuery, "--url", server.Address.ToString()], stdout, stderr, CancellationToken.None);

        Assert.Equal(0, exit);
        Assert.Equal(
            """
            +------+------+
            |  Col1|  Col2|
            +------+------+
            |     1| apple|
            |     2|banana|
            |cherry|  null|
            +------+------+
            (3 rows)

            """.ReplaceLineEndings("\n"),
            stdout.ToString().ReplaceLineEndings("\n"));
        // Which service answered, on standard error only (the id is the one the service itself says it is).
        var instance = await server.Client.GetFromJsonAsync<JsonElement>("/api/instance");
        Assert.Equal($"-- answered by reactive {instance.GetProperty("id").GetString()} at {server.Address.Authority}, pipelines: none\n", stderr.ToString().ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task SqlCommand_Json_PrintsTheServiceJson()
    {
        await using var server = await ApiServer.StartAsync();
        await FillRawTableAsync(server);
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var exit = await SqlCommand.RunAsync([SplitQuery, "--json", "--url=" + server.Address], stdout, stderr, CancellationToken.None);
        using var json = JsonDocument.Parse(stdout.ToString());

        Assert.Equal(0, exit);
        Assert.Equal("cherry", json.RootElement.GetProperty("rows")[2][0].GetString());
        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("rows")[2][1].ValueKind);
    }

    [Fact]
    public async Task SqlCommand_RefusedQuery_PrintsTheReasonAndFails()
    {
        await using var server = await ApiServer.StartAsync();
        await FillRawTableAsync(server);
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var exit = await SqlCommand.RunAsync(["DROP TABLE new_dataframe", "--url", server.Address.ToString()], stdout, stderr, CancellationToken.None);

        Assert.Equal(1, exit);
        Assert.StartsWith("SQL refused (400):", stderr.ToString(), StringComparison.Ordinal);
        Assert.Equal(3, server.Tables.Tables.Single().Rows);
    }

    [Fact]
    public async Task SqlCommand_NoService_SaysItIsUnreachable()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var exit = await SqlCommand.RunAsync(["SELECT 1", "--url", $"http://127.0.0.1:{port}"], stdout, stderr, CancellationToken.None);

        Assert.Equal(3, exit);
        Assert.Contains("Cannot reach the service", stderr.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("INSERT INTO new_dataframe VALUES ('x')")]
    [InlineData("DROP TABLE new_dataframe")]
    [InlineData("ATTACH DATABASE ':memory:' AS x")]
    [InlineData("PRAGMA journal_mode = DELETE")]
    [InlineData("SELECT 1; DELETE FROM new_dataframe")]
    public async Task Sql_WritingQuery_IsRefusedAsProblemDetailsAndTheTableIsUnchanged(string query)
    {
        await using var server = await ApiServer.StartAsync();
        await FillRawTableAsync(server);

        using var response = await server.Client.PostAsJsonAsync("/api/sql", new { sql = query });
        using var json = await ReadJsonAsync(response);
        using var after = await server.Client.PostAsJsonAsync("/api/sql", new { sql = "SELECT count(*) FROM new_dataframe" });
        using var count = await ReadJsonAsync(after);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("SQL refused", json.RootElement.GetProperty("title").GetString());
        Assert.Equal(400, json.RootElement.GetProperty("status").GetInt32());
        Assert.Equal(3, count.RootElement.GetProperty("rows")[0][0].GetInt64());
    }

    [Fact]
    public async Task Sql_SlowQuery_IsStoppedWith408()
    {
        await using var server = await ApiServer.StartAsync(new Dictionary<string, string?> { ["Sql:TimeLimit"] = "300 milliseconds" });

        using var response = await server.Client.PostAsJsonAsync("/api/sql", new { sql = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c" });
        using var json = await ReadJsonAsync(response);

        Assert.Equal(HttpStatusCode.RequestTimeout, response.StatusCode);
        Assert.Equal("SQL time limit reached", json.RootElement.GetProperty("title").GetString());
    }

    [Theory]
    [InlineData("Sql:TimeLimit", "soon", "Sql:TimeLimit")]
    [InlineData("Tables:MaxRowsPerTable", "0", "Tables:MaxRowsPerTable: The field MaxRowsPerTable must be between")]
    [InlineData("Tables:MaxRowsPerTable", "many", "Tables:MaxRowsPerTable")]
    [InlineData("Progress:LogInterval", "0 seconds", "Progress:LogInterval: ")]
    [InlineData("Tables:WhenFull", "sometimes", "Tables:WhenFull")]
    [InlineData("Tables:QueueCapacity", "0", "Tables:QueueCapacity: ")]
    [InlineData("Tables:CommitInterval", "1 minute", "Tables:CommitInterval: must be between 0 seconds and 10 seconds (got 1 minute).")]
    [InlineData("Tables:CommitInterval", "soon", "Tables:CommitInterval")]
    [InlineData("Tables:WriterYieldInterval", "2 seconds", "Tables:WriterYieldInterval: must be between 0 seconds and 1 second (got 2 seconds).")]
    [InlineData("Tables:WriterYieldInterval", "often", "Tables:WriterYieldInterval")]
    [InlineData("DeadLetters:LogInterval", "0 seconds", "DeadLetters:LogInterval: ")]
    [InlineData("Sql:MaxResultBytes", "0", "Sql:MaxResultBytes: ")]
    [InlineData("Sql:MaxValueBytes", "many", "Sql:MaxValueBytes")]
    [InlineData("Sql:QueueLength", "-1", "Sql:QueueLength: ")]
    [InlineData("Sql:MaxMemoryBytes", "1024", "Sql:MaxMemoryBytes: ")]
    [InlineData("Http:AllowedOrigins:0", "*", "Http:AllowedOrigins")]
    public async Task Options_BadValue_StopsTheStartNamingTheKey(string key, string value, string named)
    {
        var error = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(
            () => ApiServer.StartAsync(new Dictionary<string, string?> { [key] = value }));

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("0 seconds")]
    public async Task Options_ZeroIntervals_TurnTheGatheringAndTheYieldOff(string zero)
    {
        await using var server = await ApiServer.StartAsync(new Dictionary<string, string?>
        {
            ["Tables:CommitInterval"] = zero,
            ["Tables:WriterYieldInterval"] = zero,
        });

        var options = server.Tables.Options;
        Assert.Equal(TimeSpan.Zero, options.CommitInterval);
        Assert.Equal(TimeSpan.Zero, options.WriterYieldInterval);
    }

    [Fact]
    public async Task Sql_BadBody_IsABadRequestProblem()
    {
        await using var server = await ApiServer.StartAsync();

        using var response = await server.Client.PostAsync("/api/sql", new StringContent("{not json", System.Text.Encoding.UTF8, "application/json"));
        using var json = await ReadJsonAsync(response);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(400, json.RootElement.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task Errors_UnhandledException_GivesProblemDetailsWithoutStackTrace()
    {
        await using var server = await ApiServer.StartAsync();

        using var response = await server.Client.GetAsync("/boom");
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain("Foo.Bar", body, StringComparison.Ordinal);
        Assert.DoesNotContain("secret internals", body, StringComparison.Ordinal);
        Assert.DoesNotContain("ReactiveApiTests", body, StringComparison.Ordinal);
        Assert.DoesNotContain(" at ", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tables_List_ShowsNamesRowCountsAndColumns()
    {
        await using var server = await ApiServer.StartAsync();
        await FillRawTableAsync(server);
        var windowed = server.Tables.GetOrCreate("bitcoin_window", new TableSchema([new("avg_rate", ColumnType.Real)], hasWindow: true), OutputMode.Complete);
        windowed.ReplaceAll([TableRow.Windowed(DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddMinutes(10), [1.0])]);
        await windowed.FlushAsync();

        using var json = JsonDocument.Parse(await server.Client.GetStringAsync("/api/tables"));

        var tables = json.RootElement.EnumerateArray().ToList();
        Assert.Equal(["bitcoin_window", "new_dataframe"], tables.Select(t => t.GetProperty("name").GetString()));
        Assert.Equal([1L, 3L], tables.Select(t => t.GetProperty("rows").GetInt64()));
        Assert.Equal(["complete", "append"], tables.Select(t => t.GetProperty("mode").GetString()));
        Assert.Equal(
            ["window_start:TEXT", "window_end:TEXT", "window_start_ms:INTEGER", "window_end_ms:INTEGER", "avg_rate:REAL"],
            tables[0].GetProperty("columns").EnumerateArray().Select(c => c.GetProperty("name").GetString() + ":" + c.GetProperty("type").GetString()));
        Assert.All(tables, t =>
        {
            Assert.Equal(0, t.GetProperty("queueLength").GetInt64());
            Assert.Equal(10_000, t.GetProperty("queueCapacity").GetInt32());
            Assert.Equal("wait", t.GetProperty("whenFull").GetString());
            Assert.Equal(0, t.GetProperty("droppedRows").GetInt64());
            Assert.Equal(0, t.GetProperty("waitMs").GetDouble());
        });
    }

    [Fact]
    public async Task Pipelines_WhileDataFlows_CountsRise()
    {
        await using var server = await ApiServer.StartAsync(new Dictionary<string, string?> { ["Progress:SampleInterval"] = "00:00:00.050", ["Progress:RateWindow"] = "00:00:01" });
        var progress = server.Pipelines.GetOrAdd("raw_table", "socket");
        progress.SetState(PipelineState.Running);
        using var stop = new CancellationTokenSource();
        var feeder = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                progress.RecordInput(10);
                progress.RecordOutput(10);
                await Task.Delay(TimeSpan.FromMilliseconds(10), TimeProvider.System);
            }
        });

        var first = await ReadPipelineAsync(server);
        await Task.Delay(TimeSpan.FromMilliseconds(300), TimeProvider.System);
        var second = await ReadPipelineAsync(server);
        await stop.CancelAsync();
        await feeder;

        Assert.Equal("Running", second.GetProperty("state").GetString());
        Assert.True(second.GetProperty("inputRows").GetInt64() > first.GetProperty("inputRows").GetInt64());
        Assert.True(second.GetProperty("outputRows").GetInt64() > first.GetProperty("outputRows").GetInt64());
        Assert.True(second.GetProperty("inputRowsPerSecond").GetDouble() > 0);
    }

    [Fact]
    public async Task Pipelines_Record_HasSparkLikeFields()
    {
        await using var server = await ApiServer.StartAsync();
        var p = server.Pipelines.GetOrAdd("bitcoin", "kinesis");
        p.SetState(PipelineState.Running);
        p.RecordInput(5);
        p.RecordLate(1);
        p.SetStateRows(4);
        p.SetWatermark(new DateTimeOffset(2021, 3, 1, 12, 0, 0, TimeSpan.Zero));
        p.ObserveEventTime(new DateTimeOffset(2021, 3, 1, 12, 10, 0, TimeSpan.Zero).UtcTicks);
        p.ObserveEventTime(new DateTimeOffset(2021, 3, 1, 12, 5, 0, TimeSpan.Zero).UtcTicks); // older: the newest stays
        server.DeadLetters.Add("bitcoin", "bad_json", "not JSON", "{oops", 7, "shard-0");
        p.AttachSink("bitcoin_window", () => new SinkCounters(3, 2, TimeSpan.FromMilliseconds(1.5)));
        p.Shards = () => [new KinesisShardProgress("shardId-000000000000", null, null, KinesisShardState.Closed, "TrimHorizon", 7, 1, "4960", 0, 3, 0, 0, 0)];

        using var json = JsonDocument.Parse(await server.Client.GetStringAsync("/api/pipelines/bitcoin"));
        var root = json.RootElement;

        Assert.Equal(5, root.GetProperty("inputRows").GetInt64());
        Assert.Equal(1, root.GetProperty("lateRows").GetInt64());
        Assert.Equal(4, root.GetProperty("stateRows").GetInt64());
        Assert.Equal(1, root.GetProperty("deadLetters").GetInt64());
        Assert.Equal(1, root.GetProperty("deadLettersByCode").GetProperty("bad_json").GetInt64());
        Assert.Equal(new DateTimeOffset(2021, 3, 1, 12, 0, 0, TimeSpan.Zero), root.GetProperty("watermark").GetDateTimeOffset());
        Assert.Equal(new DateTimeOffset(2021, 3, 1, 12, 10, 0, TimeSpan.Zero), root.GetProperty("maxEventTime").GetDateTimeOffset());
        Assert.Equal(3, root.GetProperty("queueLength").GetInt64());
        Assert.Equal(2, root.GetProperty("sinkDroppedRows").GetInt64());
        Assert.Equal(1.5, root.GetProperty("sinkWaitMs").GetDouble());
        var shard = Assert.Single(root.GetProperty("shards").EnumerateArray());
        Assert.Equal("Closed", shard.GetProperty("state").GetString()); // by name, as the pipeline's state
        Assert.Equal(7, shard.GetProperty("recordsRead").GetInt64());
        using var missing = await server.Client.GetAsync("/api/pipelines/nope");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task DeadLetters_ForAPipeline_AreTheNewestFirst()
    {
        await using var server = await ApiServer.StartAsync(new Dictionary<string, string?> { ["DeadLetters:Capacity"] = "2" });
        server.Pipelines.GetOrAdd("spread", "file");
        server.DeadLetters.Add("spread", "bad_number", "Bid Price is not a number", "ITT,x", 2, "14081.csv");
        server.DeadLetters.Add("spread", "field_count", "8 fields, expected 9", "ITT,1", 3, "14081.csv");
        server.DeadLetters.Add("spread", "bad_date", "Date is not MM/dd/yyyy", "ITT,13/45/2014", 4, "14081.csv");
        server.DeadLetters.Add("other", "bad_json", "not JSON", "{", 1, null);

        using var json = JsonDocument.Parse(await server.Client.GetStringAsync("/api/deadletters?pipeline=spread"));

        var entries = json.RootElement.EnumerateArray().ToList();
        Assert.Equal(["bad_date", "field_count"], entries.Select(e => e.GetProperty("code").GetString()));
        Assert.Equal(4, entries[0].GetProperty("line").GetInt64());
        Assert.Equal("ITT,13/45/2014", entries[0].GetProperty("raw").GetString());
        Assert.Equal(3, server.Pipelines.Find("spread")!.DeadLetters);
        Assert.Null(server.Pipelines.Find("other"));
    }

    [Fact]
    public async Task Errors_UnknownPath_IsANotFoundProblem()
    {
        await using var server = await ApiServer.StartAsync();

        using var response = await server.Client.GetAsync("/api/nowhere");
        using var json = await ReadJsonAsync(response);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(404, json.RootElement.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task Metrics_Endpoint_ParsesAsPrometheusText()
    {
        await using var server = await ApiServer.StartAsync();
        var p = server.Pipelines.GetOrAdd("raw_table", "socket");
        p.RecordInput(12);
        p.RecordTrigger(TimeSpan.FromMilliseconds(2));
        server.DeadLetters.Add("raw_table", "too_long", "line longer than 1 MiB");
        await FillRawTableAsync(server);

        using var response = await server.Client.GetAsync("/metrics");
        var families = PrometheusTextParser.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(12, families["reactive_pipeline_rows_in_total"].Samples.Single(s => s.Labels["pipeline"] == "raw_table").Value);
        Assert.Equal(1, families["reactive_pipeline_dead_letters_total"].Samples.Single().Value);
        Assert.Equal("histogram", families["reactive_pipeline_batch_duration_seconds"].Type);
        Assert.Equal(3, families["reactive_table_rows"].Samples.Single(s => s.Labels["table"] == "new_dataframe").Value);
    }

    [Fact]
    public async Task Metrics_SqliteMemory_CountsWhatSqliteHolds()
    {
        await using var server = await ApiServer.StartAsync();
        await FillRawTableAsync(server);
        const double Held = 32 * 1024 * 1024;

        var before = await SqliteMemoryAsync(server);
        double during;
        using (var memory = new Microsoft.Data.Sqlite.SqliteConnection("Data Source=:memory:"))
        {
            // An in-memory database keeps all its pages in SQLite's page cache: 32 MiB of blob held until it is closed.
            memory.Open();
            using var fill = memory.CreateCommand();
            fill.CommandText = "CREATE TABLE b(x BLOB); INSERT INTO b VALUES (zeroblob(33554432));";
            fill.ExecuteNonQuery();
            during = await SqliteMemoryAsync(server);
        }

        var after = await SqliteMemoryAsync(server);

        // Other tests run beside this one and hold SQLite memory of their own: a few MiB either way.
        Assert.True(before > 0, $"SQLite holds {before} bytes with a table written");
        Assert.InRange(during - before, Held - (8 << 20), Held + (8 << 20));
        Assert.InRange(during - after, Held - (8 << 20), Held + (8 << 20));
    }

    private static async Task<double> SqliteMemoryAsync(ApiServer server)
    {
        var families = PrometheusTextParser.Parse(await server.Client.GetStringAsync("/metrics"));
        Assert.Equal("gauge", families["reactive_sqlite_memory_bytes"].Type);
        return families["reactive_sqlite_memory_bytes"].Samples.Single().Value;
    }

    [Fact]
    public async Task Health_FollowsThePipelineStates()
    {
        await using var server = await ApiServer.StartAsync();
        var a = server.Pipelines.GetOrAdd("a", "socket");
        var b = server.Pipelines.GetOrAdd("b", "file");

        using var starting = await server.Client.GetAsync("/healthz");
        a.SetState(PipelineState.Running);
        b.SetState(PipelineState.Running);
        using var ready = await server.Client.GetAsync("/healthz");
        b.RecordError("connection refused by 127.0.0.1:9999");
        b.SetState(PipelineState.BackingOff);
        using var failing = await server.Client.GetAsync("/healthz");
        using var live = await server.Client.GetAsync("/healthz/live");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, starting.StatusCode);
        Assert.Contains("waiting for a, b", await starting.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, failing.StatusCode);
        using var failingJson = JsonDocument.Parse(await failing.Content.ReadAsStringAsync());
        Assert.Equal("Unhealthy", failingJson.RootElement.GetProperty("status").GetString());
        Assert.Contains("b failed and is backing off: connection refused", failingJson.RootElement.GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
    }

    [Fact]
    public async Task Secrets_FromConfiguration_AppearInNoEndpoint()
    {
        const string Secret = "wallet-key-5f3a9c";
        await using var server = await ApiServer.StartAsync(new Dictionary<string, string?>
        {
            ["Wallet:AccessKey"] = Secret,
            ["Kinesis:SecretAccessKey"] = Secret,
        });
        server.Pipelines.GetOrAdd("raw_table", "socket").SetState(PipelineState.Running);
        await FillRawTableAsync(server);

        var bodies = new List<string>();
        foreach (var path in new[] { "/healthz", "/healthz/live", "/api/pipelines", "/api/tables", "/api/deadletters", "/metrics", "/nowhere" })
        {
            using var response = await server.Client.GetAsync(path);
            bodies.Add(await response.Content.ReadAsStringAsync());
        }

        using (var sql = await server.Client.PostAsJsonAsync("/api/sql", new { sql = "SELECT * FROM sqlite_schema" }))
        {
            bodies.Add(await sql.Content.ReadAsStringAsync());
        }

        Assert.All(bodies, b => Assert.DoesNotContain(Secret, b, StringComparison.Ordinal));
    }

    private static async Task FillRawTableAsync(ApiServer server)
    {
        var sink = server.Tables.GetOrCreate("new_dataframe", TableSchema.RawLines, OutputMode.Append);
        sink.Write(new TableRow(["1,apple"]));
        sink.Write(new TableRow(["2,banana,ripe"]));
        sink.Write(new TableRow(["cherry"]));
        await sink.FlushAsync();
    }

    private static async Task<JsonElement> ReadPipelineAsync(ApiServer server)
    {
        using var json = JsonDocument.Parse(await server.Client.GetStringAsync("/api/pipelines"));
        return json.RootElement.EnumerateArray().Single(p => p.GetProperty("name").GetString() == "raw_table").Clone();
    }

    private static async Task<JsonDocument> ReadJsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync());
}

using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Reactive.Host.Metrics;
using Reactive.Host.Progress;

namespace Reactive.Host.Tests.Metrics;

/// <summary>
/// <c>GET /metrics</c> as OpenTelemetry's Prometheus exporter serves it: the service's instruments under their names and
/// labels, read by the strict parser; the runtime's and ASP.NET Core's metrics beside them; nothing of other meters or
/// of another host in the process.
/// </summary>
public sealed class MetricsEndpointTests
{
    [Fact]
    public async Task Scrape_PipelineCounters_AreCountersWithTotalAndLabels()
    {
        await using var server = await MetricsServer.StartAsync();
        var registry = server.Services.GetRequiredService<PipelineProgressRegistry>();
        var p = registry.GetOrAdd("word \"count\"\\x", "socket");
        p.RecordInput(7);
        p.RecordOutput(3);
        p.RecordLate(2);
        p.RecordDeadLetter("bad_number");
        p.RecordDeadLetter("bad_number");
        p.RecordDeadLetter("no_time");

        var families = PrometheusTextParser.Parse(await server.ScrapeAsync());

        var rowsIn = families["reactive_pipeline_rows_in_total"];
        Assert.Equal("counter", rowsIn.Type);
        Assert.False(string.IsNullOrEmpty(rowsIn.Help));
        var sample = Assert.Single(rowsIn.Samples);
        Assert.Equal("word \"count\"\\x", sample.Labels["pipeline"]);
        Assert.Equal(7, sample.Value);
        Assert.Equal(3, families["reactive_pipeline_rows_out_total"].Samples.Single().Value);
        Assert.Equal(2, families["reactive_pipeline_late_rows_total"].Samples.Single().Value);
        var dead = families["reactive_pipeline_dead_letters_total"].Samples.ToDictionary(s => s.Labels["code"], s => s.Value);
        Assert.Equal(new Dictionary<string, double> { ["bad_number"] = 2, ["no_time"] = 1 }, dead);
        Assert.Equal("gauge", families["reactive_pipeline_state_rows"].Type);
        Assert.Equal("gauge", families["reactive_pipeline_queue_length"].Type);
    }

    [Fact]
    public async Task Scrape_BatchDurations_AreAHistogramInSeconds()
    {
        await using var server = await MetricsServer.StartAsync();
        var registry = server.Services.GetRequiredService<PipelineProgressRegistry>();
        var p = registry.GetOrAdd("spread", "file");
        p.RecordTrigger(TimeSpan.FromMilliseconds(3));
        p.RecordTrigger(TimeSpan.FromMilliseconds(30));
        p.RecordTrigger(TimeSpan.FromSeconds(100));

        var family = PrometheusTextParser.Parse(await server.ScrapeAsync())["reactive_pipeline_batch_duration_seconds"];

        Assert.Equal("histogram", family.Type);
        double Bucket(string le) => family.Samples.Single(s => s.Name.EndsWith("_bucket", StringComparison.Ordinal) && s.Labels["le"] == le).Value;
        Assert.Equal(1, Bucket("0.005"));
        Assert.Equal(2, Bucket("0.05"));
        Assert.Equal(2, Bucket("30"));
        Assert.Equal(3, Bucket("+Inf"));
        Assert.Equal(100.033, family.Samples.Single(s => s.Name.EndsWith("_sum", StringComparison.Ordinal)).Value, 9);
        Assert.Equal("spread", family.Samples[0].Labels["pipeline"]);
    }

    [Fact]
    public async Task Scrape_CountersBetweenScrapes_Rise()
    {
        await using var server = await MetricsServer.StartAsync();
        var registry = server.Services.GetRequiredService<PipelineProgressRegistry>();
        var p = registry.GetOrAdd("p", "socket");
        p.RecordInput(5);
        var first = PrometheusTextParser.Parse(await server.ScrapeAsync())["reactive_pipeline_rows_in_total"].Samples.Single().Value;
        p.RecordInput(4);
        var second = PrometheusTextParser.Parse(await server.ScrapeAsync())["reactive_pipeline_rows_in_total"].Samples.Single().Value;

        Assert.Equal(5, first);
        Assert.Equal(9, second);
    }

    [Fact]
    public async Task Scrape_OtherMeters_AreNotExported()
    {
        await using var server = await MetricsServer.StartAsync();
        using var other = new Meter("Someone.Else");
        other.CreateCounter<long>("secret.counter").Add(1);
        server.Services.GetRequiredService<PipelineProgressRegistry>().GetOrAdd("mine", "socket").RecordInput(1);

        var text = await server.ScrapeAsync();

        Assert.Contains("reactive_pipeline_rows_in_total{pipeline=\"mine\"} 1", text, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scrape_AnotherHostInTheProcess_IsNotExported()
    {
        // Both hosts have a meter named Reactive with the same instruments; each exports its own.
        await using var a = await MetricsServer.StartAsync();
        await using var b = await MetricsServer.StartAsync();
        a.Services.GetRequiredService<PipelineProgressRegistry>().GetOrAdd("only-in-a", "socket").RecordInput(3);
        b.Services.GetRequiredService<PipelineProgressRegistry>().GetOrAdd("only-in-b", "socket").RecordInput(4);

        var fromA = PrometheusTextParser.Parse(await a.ScrapeAsync())["reactive_pipeline_rows_in_total"].Samples;
        var fromB = PrometheusTextParser.Parse(await b.ScrapeAsync())["reactive_pipeline_rows_in_total"].Samples;

        var onlyA = Assert.Single(fromA);
        var onlyB = Assert.Single(fromB);
        Assert.Equal(("only-in-a", 3.0), (onlyA.Labels["pipeline"], onlyA.Value));
        Assert.Equal(("only-in-b", 4.0), (onlyB.Labels["pipeline"], onlyB.Value));
    }

    [Theory]
    [InlineData("a\"b", "a\\\"b")]
    [InlineData("a\\b", "a\\\\b")]
    [InlineData("a\nb", "a\\nb")]
    public async Task Scrape_LabelWithSpecialCharacters_IsEscapedAndReadsBack(string value, string escaped)
    {
        await using var server = await MetricsServer.StartAsync();
        server.Services.GetRequiredService<PipelineProgressRegistry>().GetOrAdd(value, "socket").RecordInput(1);

        var text = await server.ScrapeAsync();

        Assert.Contains($"reactive_pipeline_rows_in_total{{pipeline=\"{escaped}\"}} 1\n", text, StringComparison.Ordinal);
        Assert.Equal(value, PrometheusTextParser.Parse(text)["reactive_pipeline_rows_in_total"].Samples.Single().Labels["pipeline"]);
    }

    [Fact]
    public async Task Scrape_InstrumentsOnReactiveMeters_AreExportedWithoutRegistration()
    {
        await using var server = await MetricsServer.StartAsync();
        var factory = server.Services.GetRequiredService<IMeterFactory>();

        // As another part of the service would add them: on the host's meter, and on a meter of its own under Reactive.
        factory.Create(ReactiveMetrics.MeterName).CreateCounter<long>("reactive.wallet.orders", "{order}", "Orders sent.")
            .Add(2, new KeyValuePair<string, object?>("side", "buy"));
        factory.Create("Reactive.Trading").CreateHistogram<double>("reactive.trading.decision_duration", "s", "Time to decide.")
            .Record(0.002);
        factory.Create("ReactiveExtensions.Other").CreateCounter<long>("unrelated.counter").Add(1);

        var families = PrometheusTextParser.Parse(await server.ScrapeAsync());

        var orders = Assert.Single(families["reactive_wallet_orders_total"].Samples);
        Assert.Equal(("buy", 2.0), (orders.Labels["side"], orders.Value));
        Assert.Equal("histogram", families["reactive_trading_decision_duration_seconds"].Type);
        Assert.DoesNotContain(families.Keys, k => k.StartsWith("unrelated", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Scrape_RuntimeAndAspNetCoreMetrics_AreExported()
    {
        await using var server = await MetricsServer.StartAsync();
        GC.Collect();

        // ASP.NET Core records a request's duration as the request ends, which may be just after its client has read
        // the answer: scrape until a scrape's own request shows, as Prometheus would see it at its next scrape.
        static bool Measured(Dictionary<string, PrometheusTextParser.Family> f) =>
            f.TryGetValue("http_server_request_duration_seconds", out var requests)
            && requests.Samples.Any(s => s.Name.EndsWith("_count", StringComparison.Ordinal) && s.Labels.GetValueOrDefault("http_route") == "/metrics" && s.Value >= 1);
        var families = PrometheusTextParser.Parse(await server.ScrapeAsync());
        for (var deadline = TimeProvider.System.GetTimestamp() + (60 * TimeProvider.System.TimestampFrequency); !Measured(families);)
        {
            Assert.True(TimeProvider.System.GetTimestamp() < deadline, "no request to /metrics was measured within 60 seconds");
            await Task.Delay(TimeSpan.FromMilliseconds(50), TimeProvider.System);
            families = PrometheusTextParser.Parse(await server.ScrapeAsync());
        }

        Assert.Equal("counter", families["dotnet_gc_collections_total"].Type);
        Assert.True(families["dotnet_gc_collections_total"].Samples.Sum(s => s.Value) >= 1);
        Assert.True(families["dotnet_process_memory_working_set_bytes"].Samples.Single().Value > 0);
        Assert.Equal("counter", families["dotnet_process_cpu_time_seconds_total"].Type);
        Assert.Equal("histogram", families["http_server_request_duration_seconds"].Type);
        Assert.Equal(MetricsServiceCollectionExtensions.ServiceName, families["target_info"].Samples.Single().Labels["service_name"]);
    }
}

using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Reactive.Host.Metrics;
using Reactive.Host.Progress;

namespace Reactive.Host.Tests.Metrics;

public sealed class PrometheusExporterTests
{
    [Fact]
    public void Scrape_PipelineCounters_AreCountersWithTotalAndLabels()
    {
        using var services = NewServices();
        var registry = services.GetRequiredService<PipelineProgressRegistry>();
        _ = services.GetRequiredService<ReactiveMetrics>();
        var exporter = services.GetRequiredService<PrometheusExporter>();
        var p = registry.GetOrAdd("word \"count\"\\x", "socket");
        p.RecordInput(7);
        p.RecordOutput(3);
        p.RecordLate(2);
        p.RecordDeadLetter("bad_number");
        p.RecordDeadLetter("bad_number");
        p.RecordDeadLetter("no_time");

        var families = PrometheusTextParser.Parse(exporter.Scrape());

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
    public void Scrape_BatchDurations_AreAHistogramInSeconds()
    {
        using var services = NewServices();
        var registry = services.GetRequiredService<PipelineProgressRegistry>();
        _ = services.GetRequiredService<ReactiveMetrics>();
        var exporter = services.GetRequiredService<PrometheusExporter>();
        var p = registry.GetOrAdd("spread", "file");
        p.RecordTrigger(TimeSpan.FromMilliseconds(3));
        p.RecordTrigger(TimeSpan.FromMilliseconds(30));
        p.RecordTrigger(TimeSpan.FromSeconds(100));

        var family = PrometheusTextParser.Parse(exporter.Scrape())["reactive_pipeline_batch_duration_seconds"];

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
    public void Scrape_CountersBetweenScrapes_Rise()
    {
        using var services = NewServices();
        var registry = services.GetRequiredService<PipelineProgressRegistry>();
        _ = services.GetRequiredService<ReactiveMetrics>();
        var exporter = services.GetRequiredService<PrometheusExporter>();
        var p = registry.GetOrAdd("p", "socket");
        p.RecordInput(5);
        var first = PrometheusTextParser.Parse(exporter.Scrape())["reactive_pipeline_rows_in_total"].Samples.Single().Value;
        p.RecordInput(4);
        var second = PrometheusTextParser.Parse(exporter.Scrape())["reactive_pipeline_rows_in_total"].Samples.Single().Value;

        Assert.Equal(5, first);
        Assert.Equal(9, second);
    }

    [Fact]
    public void Scrape_OtherMeters_AreNotExported()
    {
        using var exporter = new PrometheusExporter();
        using var other = new Meter("Someone.Else");
        other.CreateCounter<long>("secret.counter").Add(1);

        Assert.DoesNotContain("secret", exporter.Scrape(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a\"b", "a\\\"b")]
    [InlineData("a\\b", "a\\\\b")]
    [InlineData("a\nb", "a\\nb")]
    public void EscapeLabel_SpecialCharacters_AreEscaped(string value, string expected) =>
        Assert.Equal(expected, PrometheusExporter.EscapeLabel(value));

    private static ServiceProvider NewServices()
    {
        var services = new ServiceCollection();
        services.AddReactiveMetrics();
        return services.BuildServiceProvider();
    }
}

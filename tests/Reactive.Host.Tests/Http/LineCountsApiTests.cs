using System.Text.Json;
using Reactive.Host.Progress;
using Reactive.Host.Tests.Metrics;

namespace Reactive.Host.Tests.Http;

/// <summary>The line counts in <c>GET /api/pipelines</c> and <c>GET /metrics</c>.</summary>
public sealed class LineCountsApiTests
{
    [Fact]
    public async Task Counts_ShownInProgressAndMetrics_AddUp()
    {
        await using var server = await ApiServer.StartAsync();
        var p = server.Pipelines.GetOrAdd("spread", "spread");
        p.SetState(PipelineState.Running);
        p.RecordInput(11);
        p.RecordParsed(6);
        p.RecordSkipped(blank: true);
        p.RecordSkipped(blank: true);
        p.RecordSkipped(blank: false);
        server.DeadLetters.Add("spread", "field_count", "expected 9 fields");
        p.RecordLineDeadLetter();
        server.DeadLetters.Add("spread", "line_too_long", "longer than 1 MiB");
        p.RecordLineDeadLetter();
        server.DeadLetters.Add("spread", "too_many_symbols", "symbol 3 of 2");

        var progress = JsonDocument.Parse(await server.Client.GetStringAsync("/api/pipelines/spread")).RootElement;
        var families = PrometheusTextParser.Parse(await server.Client.GetStringAsync("/metrics"));

        Assert.Equal(
            (11L, 6L, 2L, 1L, 3L, 1L),
            (progress.GetProperty("inputRows").GetInt64(), progress.GetProperty("rowsParsed").GetInt64(), progress.GetProperty("skippedBlank").GetInt64(),
             progress.GetProperty("skippedHeader").GetInt64(), progress.GetProperty("deadLetters").GetInt64(), progress.GetProperty("rowsRejected").GetInt64()));
        Assert.Equal(JsonValueKind.Null, progress.GetProperty("stopReason").ValueKind);
        Assert.Equal(6, families["reactive_pipeline_rows_parsed_total"].Samples.Single().Value);
        Assert.Equal(1, families["reactive_pipeline_rows_rejected_total"].Samples.Single().Value);
        var skipped = families["reactive_pipeline_lines_skipped_total"].Samples;
        Assert.Equal(2, skipped.Single(s => s.Labels["pipeline"] == "spread" && s.Labels["reason"] == "blank").Value);
        Assert.Equal(1, skipped.Single(s => s.Labels["pipeline"] == "spread" && s.Labels["reason"] == "header").Value);
        Assert.Equal(
            families["reactive_pipeline_rows_in_total"].Samples.Single().Value,
            families["reactive_pipeline_rows_parsed_total"].Samples.Single().Value
            + skipped.Sum(s => s.Value)
            + families["reactive_pipeline_dead_letters_total"].Samples.Sum(s => s.Value)
            - families["reactive_pipeline_rows_rejected_total"].Samples.Single().Value);
    }

    [Fact]
    public async Task StopReason_OfAFinishedPipeline_IsShown()
    {
        await using var server = await ApiServer.StartAsync();
        server.Pipelines.GetOrAdd("replay", "spread").SetStopped(PipelineStopReason.Finished);

        var progress = JsonDocument.Parse(await server.Client.GetStringAsync("/api/pipelines/replay")).RootElement;

        Assert.Equal(("Stopped", "Finished"), (progress.GetProperty("state").GetString(), progress.GetProperty("stopReason").GetString()));
    }
}

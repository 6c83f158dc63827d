using System.Text;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Reactive.Host.Metrics;
using Reactive.Host.Tests.EndToEnd;
using Reactive.Host.Tests.Http;

namespace Reactive.Host.Tests.Metrics;

/// <summary>
/// <c>Telemetry:OtlpEndpoint</c>: the built service sends its metrics over OTLP/HTTP to a collector (here a real HTTP
/// listener that takes <c>POST /v1/metrics</c>) with the headers of <c>OTEL_EXPORTER_OTLP_HEADERS</c>, and a bad setting
/// stops the start naming the key, not the value. (The service process's bad settings: StartupValidationTests.)
/// </summary>
public sealed class OtlpExportTests
{
    [Fact]
    public async Task Service_OtlpEndpointSet_PostsItsMetricsToTheCollector()
    {
        await using var collector = await Collector.StartAsync();
        await using var service = ServiceProcess.Start(
            ServiceProcess.NewWorkingDirectory(),
            new Dictionary<string, string> { ["OTEL_EXPORTER_OTLP_HEADERS"] = "x-reactive-probe=p-41" },
            "--urls", "http://127.0.0.1:0",
            "--Telemetry:OtlpEndpoint", collector.Address.ToString(),
            "--Telemetry:OtlpExportInterval", "500 milliseconds");

        // The sample word count runs on the defaults: its input counter (and the runtime's) reach the collector.
        var body = await collector.WaitForAsync(
            b => Contains(b, "reactive.pipeline.rows_in") && Contains(b, "sample-wordcount") && Contains(b, "dotnet.gc.collections"),
            TimeSpan.FromSeconds(90),
            () => service.Stderr);

        Assert.Equal("/v1/metrics", body.Path);
        Assert.Equal("application/x-protobuf", body.ContentType);
        Assert.Equal("p-41", body.Probe);
        Assert.True(Contains(body.Bytes, "reactive"), "the resource's service.name is the service's");

        // The same service's /metrics, read by the strict parser: its own families beside the runtime's and Kestrel's.
        using var http = new HttpClient { BaseAddress = await service.WaitForUrlAsync(TimeSpan.FromSeconds(30)) };
        static double WordCountLines(Dictionary<string, PrometheusTextParser.Family> f) =>
            f["reactive_pipeline_rows_in_total"].Samples.Single(s => s.Labels["pipeline"] == "sample-wordcount").Value;
        var families = PrometheusTextParser.Parse(await http.GetStringAsync("/metrics"));
        for (var deadline = TimeProvider.System.GetTimestamp() + (60 * TimeProvider.System.TimestampFrequency); WordCountLines(families) == 0;)
        {
            Assert.True(TimeProvider.System.GetTimestamp() < deadline, $"the sample word count read no line within 60 seconds\n{service.Stderr}");
            await Task.Delay(TimeSpan.FromMilliseconds(100), TimeProvider.System);
            families = PrometheusTextParser.Parse(await http.GetStringAsync("/metrics"));
        }

        Assert.Equal("counter", families["dotnet_gc_collections_total"].Type);
        Assert.True(families["dotnet_process_memory_working_set_bytes"].Samples.Single().Value > 0);
        Assert.Equal("gauge", families["kestrel_active_connections"].Type);
        Assert.Equal(0, await service.TerminateAsync(TimeSpan.FromSeconds(10)));
    }

    [Theory]
    [InlineData("Telemetry:OtlpEndpoint", "not a uri", "Telemetry:OtlpEndpoint")]
    [InlineData("Telemetry:OtlpEndpoint", "http://collector:4318/?token=t0k3n-9f2", "Telemetry:OtlpEndpoint")]
    [InlineData("Telemetry:OtlpEndpoint", "http://user:t0k3n-9f2@collector:4318", "Telemetry:OtlpEndpoint")]
    [InlineData("Telemetry:OtlpExportInterval", "0 seconds", "Telemetry:OtlpExportInterval")]
    public async Task Api_BadTelemetrySetting_StopsTheStartNamingTheKeyNotTheValue(string key, string value, string named)
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => ApiServer.StartAsync(new Dictionary<string, string?> { [key] = value }));

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("t0k3n", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://collector:4318", "http/protobuf", "http://collector:4318/v1/metrics")]
    [InlineData("http://collector:4318/", "http/protobuf", "http://collector:4318/v1/metrics")]
    [InlineData("https://collector/otlp/v1/metrics", "http/protobuf", "https://collector/otlp/v1/metrics")]
    [InlineData("http://collector:4317", "grpc", "http://collector:4317/")]
    public void OtlpMetricsEndpoint_BaseAddress_GetsTheMetricsPathOverHttpOnly(string endpoint, string protocol, string expected)
    {
        var options = new TelemetryOptions { OtlpEndpoint = endpoint, OtlpProtocol = protocol };
        options.Validate();

        Assert.Equal(new Uri(expected), options.OtlpMetricsEndpoint);
    }

    private static bool Contains(byte[] bytes, string text) => bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(text)) >= 0;

    /// <param name="Probe">The header <c>x-reactive-probe</c>, which OpenTelemetry's <c>OTEL_EXPORTER_OTLP_HEADERS</c> adds.</param>
    private sealed record Request(string Path, string? ContentType, string? Probe, byte[] Bytes);

    /// <summary>A stand-in collector: a real HTTP listener that keeps every body posted to it and answers 200.</summary>
    private sealed class Collector : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly Channel<Request> _requests;

        private Collector(WebApplication app, Channel<Request> requests, Uri address)
        {
            _app = app;
            _requests = requests;
            Address = address;
        }

        public Uri Address { get; }

        public static async Task<Collector> StartAsync()
        {
            var requests = Channel.CreateUnbounded<Request>();
            var builder = WebApplication.CreateBuilder();
            builder.Logging.ClearProviders();
            var app = builder.Build();
            var address = await LoopbackApp.StartAsync(app, app => app.MapPost("/{**path}", async (HttpContext context) =>
            {
                using var buffer = new MemoryStream();
                await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
                requests.Writer.TryWrite(new Request(context.Request.Path, context.Request.ContentType, context.Request.Headers["x-reactive-probe"].FirstOrDefault(), buffer.ToArray()));
                return Results.Bytes([], "application/x-protobuf");
            }));
            return new Collector(app, requests, address);
        }

        /// <summary>The first request whose body satisfies <paramref name="wanted"/>; fails after <paramref name="timeout"/>.</summary>
        public async Task<Request> WaitForAsync(Func<byte[], bool> wanted, TimeSpan timeout, Func<string> context)
        {
            using var deadline = new CancellationTokenSource(timeout);
            var seen = 0;
            try
            {
                while (true)
                {
                    var request = await _requests.Reader.ReadAsync(deadline.Token);
                    seen++;
                    if (wanted(request.Bytes))
                    {
                        return request;
                    }
                }
            }
            catch (OperationCanceledException)
            {
                throw new Xunit.Sdk.XunitException($"no OTLP request with the metrics within {timeout} ({seen} requests seen)\n{context()}");
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}

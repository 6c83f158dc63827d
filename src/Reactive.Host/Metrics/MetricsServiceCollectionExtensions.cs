using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using Reactive.Host.Progress;

namespace Reactive.Host.Metrics;

/// <summary>Registers the service's metrics and exports them with OpenTelemetry.</summary>
public static class MetricsServiceCollectionExtensions
{
    /// <summary>The OpenTelemetry <c>service.name</c> of the service (Prometheus: <c>target_info</c>).</summary>
    public const string ServiceName = "reactive";

    /// <summary>
    /// The meters exported: the service's own (<see cref="ReactiveMetrics.MeterName"/>) and any meter whose name starts
    /// with <c>Reactive.</c>, so an instrument on such a meter is exported with no registration of its own.
    /// </summary>
    public static readonly IReadOnlyList<string> MeterNames = [ReactiveMetrics.MeterName, ReactiveMetrics.MeterName + ".*"];

    // .NET's own meters besides the runtime's and ASP.NET Core's (which their instrumentation packages add): the
    // outgoing HTTP calls (Kinesis, wallet). Their labels are host, port, method and status, never a query string.
    private static readonly string[] FrameworkMeters = ["System.Net.Http", "System.Net.NameResolution"];

    // The name the OTLP exporter's options are registered under, so that they are the service's and no one else's.
    private const string OtlpOptionsName = "reactive";

    /// <summary>
    /// Registers <see cref="ReactiveMetrics"/> and OpenTelemetry metrics: the service's meters (<see cref="MeterNames"/>),
    /// the runtime's, ASP.NET Core's and <c>System.Net.Http</c>'s, exported in the Prometheus text format (map it with
    /// <see cref="MapReactiveMetrics"/>) and, when <c>Telemetry:OtlpEndpoint</c> is set, over OTLP to a collector.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The configuration root (section <c>Telemetry</c>); none: no OTLP export.</param>
    public static IServiceCollection AddReactiveMetrics(this IServiceCollection services, IConfiguration? configuration = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var section = configuration?.GetSection(TelemetryOptions.SectionName);
        services.AddMetrics();
        services.TryAddSingleton<PipelineProgressRegistry>();
        services.TryAddSingleton<ReactiveMetrics>();
        TelemetryOptions.Add(services, section);

        services.AddOpenTelemetry()
            .ConfigureResource(static r => r.AddService(ServiceName))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter([.. MeterNames])
                    .AddRuntimeInstrumentation()
                    .AddAspNetCoreInstrumentation()
                    .AddMeter(FrameworkMeters)
                    .AddPrometheusExporter(static o =>
                    {
                        // Every scrape collects afresh (the default caches an answer for 300 ms).
                        o.ScrapeResponseCacheDurationMilliseconds = 0;

                        // The series keep the labels they had with the service's own exporter (no otel_scope_name).
                        o.ScopeInfoEnabled = false;
                    });

                // Whether there is an exporter is decided here; its settings are read (and validated) when it is built.
                if (!string.IsNullOrWhiteSpace(section?[nameof(TelemetryOptions.OtlpEndpoint)]))
                {
                    metrics.AddOtlpExporter(OtlpOptionsName, configure: null);
                }
            });

        services.ConfigureOpenTelemetryMeterProvider(static (sp, metrics) => metrics.AddView(OwnInstrumentsOnly(sp.GetRequiredService<IMeterFactory>())));
        services.AddOptions<OtlpExporterOptions>(OtlpOptionsName).Configure<IOptions<TelemetryOptions>>(static (exporter, telemetry) =>
        {
            exporter.Endpoint = telemetry.Value.OtlpMetricsEndpoint;
            exporter.Protocol = telemetry.Value.OtlpProtocol == TelemetryOptions.Grpc ? OtlpExportProtocol.Grpc : OtlpExportProtocol.HttpProtobuf;
        });
        services.AddOptions<MetricReaderOptions>(OtlpOptionsName).Configure<IOptions<TelemetryOptions>>(static (reader, telemetry) =>
            reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = (int)telemetry.Value.OtlpExportInterval.TotalMilliseconds);
        return services;
    }

    /// <summary>
    /// Creates the service's instruments (so the first scrape is complete) and maps <c>GET /metrics</c>: the
    /// Prometheus text format 0.0.4 (OpenMetrics when the scraper asks for it).
    /// </summary>
    public static IEndpointConventionBuilder MapReactiveMetrics(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        _ = app.Services.GetRequiredService<ReactiveMetrics>();
        return app.MapPrometheusScrapingEndpoint();
    }

    /// <summary>
    /// A view that drops the instruments of meters made by another service provider's <see cref="IMeterFactory"/>: the
    /// meter names are process-wide, and another host in the same process (tests, a wallet simulator) has its own
    /// <c>Reactive</c> meter and ASP.NET Core meters. Meters made without a factory (the runtime's) are process-wide.
    /// </summary>
    private static Func<Instrument, MetricStreamConfiguration?> OwnInstrumentsOnly(IMeterFactory factory) =>
        instrument => instrument.Meter.Scope is null || ReferenceEquals(instrument.Meter.Scope, factory) ? null : MetricStreamConfiguration.Drop;
}

using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Reactive.Host.Progress;

namespace Reactive.Host.Metrics;

/// <summary>
/// Where the service's metrics go besides <c>GET /metrics</c> (configuration section <c>Telemetry</c>): an OpenTelemetry
/// collector over OTLP, off unless <see cref="OtlpEndpoint"/> is set.
/// </summary>
public sealed class TelemetryOptions
{
    /// <summary>The configuration section name.</summary>
    public const string SectionName = "Telemetry";

    /// <summary>The configuration key of <see cref="OtlpEndpoint"/>.</summary>
    public const string OtlpEndpointKey = SectionName + ":" + nameof(OtlpEndpoint);

    /// <summary>The configuration key of <see cref="OtlpExportInterval"/>.</summary>
    public const string OtlpExportIntervalKey = SectionName + ":" + nameof(OtlpExportInterval);

    /// <summary>The configuration key of <see cref="OtlpProtocol"/>.</summary>
    public const string OtlpProtocolKey = SectionName + ":" + nameof(OtlpProtocol);

    /// <summary>The OTLP/HTTP protocol with protobuf bodies (<c>OTEL_EXPORTER_OTLP_PROTOCOL</c>'s spelling).</summary>
    public const string HttpProtobuf = "http/protobuf";

    /// <summary>The OTLP/gRPC protocol (<c>OTEL_EXPORTER_OTLP_PROTOCOL</c>'s spelling).</summary>
    public const string Grpc = "grpc";

    /// <summary>The path a collector serves OTLP/HTTP metrics on.</summary>
    public const string MetricsPath = "/v1/metrics";

    /// <summary>
    /// The collector's address (<c>http://host:4318</c> for <c>http/protobuf</c>, <c>http://host:4317</c> for
    /// <c>grpc</c>), as <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> writes it: with <c>http/protobuf</c> an address without a
    /// path gets <c>/v1/metrics</c>; an address with a path is used as it is. Empty: no OTLP export.
    /// </summary>
    /// <value>The default value is empty (no OTLP export).</value>
    public string? OtlpEndpoint { get; set; }

    /// <summary>The OTLP transport: <c>http/protobuf</c> or <c>grpc</c>.</summary>
    /// <value>The default value is <c>http/protobuf</c>.</value>
    public string OtlpProtocol { get; set; } = HttpProtobuf;

    /// <summary>How often the metrics are sent to the collector: from 100 milliseconds to 1 day.</summary>
    /// <value>The default value is 60 seconds (OpenTelemetry's default).</value>
    public TimeSpan OtlpExportInterval { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Whether <see cref="OtlpEndpoint"/> is set.</summary>
    internal bool OtlpEnabled => !string.IsNullOrWhiteSpace(OtlpEndpoint);

    /// <summary>The address the exporter posts to: <see cref="OtlpEndpoint"/>, with <see cref="MetricsPath"/> when it needs one.</summary>
    internal Uri OtlpMetricsEndpoint
    {
        get
        {
            var endpoint = new Uri(OtlpEndpoint!.Trim(), UriKind.Absolute);
            return OtlpProtocol == HttpProtobuf && endpoint.AbsolutePath == "/" ? new Uri(endpoint, MetricsPath) : endpoint;
        }
    }

    /// <summary>
    /// Throws naming the key when <see cref="OtlpEndpoint"/> is set but is not an absolute <c>http</c> or <c>https</c>
    /// address, or <see cref="OtlpProtocol"/> is neither protocol. The address is not echoed: a collector's address may
    /// carry a token.
    /// </summary>
    internal void Validate()
    {
        if (OtlpExportInterval < TimeSpan.FromMilliseconds(100) || OtlpExportInterval > TimeSpan.FromDays(1))
        {
            throw Invalid(OtlpExportIntervalKey, $"{OtlpExportInterval} is not between 100 milliseconds and 1 day.");
        }

        if (OtlpProtocol is not (HttpProtobuf or Grpc))
        {
            throw Invalid(OtlpProtocolKey, $"'{OtlpProtocol}' is not an OTLP protocol; write {HttpProtobuf} or {Grpc}.");
        }

        if (!OtlpEnabled)
        {
            return;
        }

        if (!Uri.TryCreate(OtlpEndpoint!.Trim(), UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
            || string.IsNullOrEmpty(uri.Host))
        {
            throw Invalid(OtlpEndpointKey, "not an absolute http:// or https:// address; write the collector's address, e.g. http://localhost:4318.");
        }

        if (!string.IsNullOrEmpty(uri.UserInfo) || !string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment))
        {
            throw Invalid(OtlpEndpointKey, "must have no user name, query or fragment; give the collector's credentials in OTEL_EXPORTER_OTLP_HEADERS.");
        }
    }

    /// <summary>
    /// Registers the options bound from <paramref name="section"/> (none: the defaults), validated when first read and
    /// at start.
    /// </summary>
    internal static void Add(IServiceCollection services, IConfiguration? section) =>
        (section is null ? services.AddOptions<TelemetryOptions>() : services.AddReactiveOptions<TelemetryOptions>(section))
            .Validate(static o =>
            {
                o.Validate();
                return true;
            });

    /// <summary>
    /// Adds the errors of the <c>Telemetry</c> section of <paramref name="configuration"/> to <paramref name="errors"/>,
    /// so that the service reports them with the rest of its configuration before it builds anything.
    /// </summary>
    internal static void Check(IConfiguration configuration, List<string> errors)
    {
        var services = new ServiceCollection();
        Add(services, configuration.GetSection(SectionName));
        using var provider = services.BuildServiceProvider();
        try
        {
            _ = provider.GetRequiredService<IOptions<TelemetryOptions>>().Value;
        }
        catch (OptionsValidationException ex)
        {
            errors.AddRange(ex.Failures);
        }
    }

    private static OptionsValidationException Invalid(string key, string message) =>
        new(key, typeof(TelemetryOptions), [$"{key}: {message}"]);
}

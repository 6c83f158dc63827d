using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Reactive.Host.Metrics;
using Reactive.Host.Tests.Http;

namespace Reactive.Host.Tests.Metrics;

/// <summary>
/// The service's metrics alone (<see cref="MetricsServiceCollectionExtensions.AddReactiveMetrics"/>, <c>GET /metrics</c>)
/// on a real WebApplication: Kestrel, 127.0.0.1, a free port.
/// </summary>
internal sealed class MetricsServer : IAsyncDisposable
{
    private MetricsServer(WebApplication app, Uri address)
    {
        App = app;
        Client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
    }

    public WebApplication App { get; }

    public IServiceProvider Services => App.Services;

    public HttpClient Client { get; }

    /// <param name="configure">Services to add before the metrics (a registry, a table store).</param>
    /// <param name="settings">Configuration (the <c>Telemetry</c> section).</param>
    public static async Task<MetricsServer> StartAsync(Action<IServiceCollection>? configure = null, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Development" });
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(settings ?? new Dictionary<string, string?>());
        configure?.Invoke(builder.Services);
        builder.Services.AddReactiveMetrics(builder.Configuration);
        var app = builder.Build();
        var address = await LoopbackApp.StartAsync(app, static app => app.MapReactiveMetrics());
        return new MetricsServer(app, address);
    }

    /// <summary>One scrape of <c>GET /metrics</c>, as Prometheus makes it.</summary>
    public Task<string> ScrapeAsync() => Client.GetStringAsync("/metrics");

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }
}

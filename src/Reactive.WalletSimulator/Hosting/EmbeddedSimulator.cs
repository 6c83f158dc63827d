using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Reactive.WalletSimulator.Prices;

namespace Reactive.WalletSimulator.Hosting;

/// <summary>
/// The simulator inside another process (the service's in-process simulator): the same services and endpoints as
/// <c>wallet-simulator</c>, on its own Kestrel at <c>http://127.0.0.1</c> on a free port (real HTTP), configured only by
/// the settings given (<c>Simulator:…</c> and <c>Logging:…</c>, no file and no environment variable), logging to standard
/// error. It does not listen for signals: its owner stops it (dispose) after its own last request.
/// </summary>
public sealed class EmbeddedSimulator : IAsyncDisposable
{
    private readonly WebApplication _app;

    private EmbeddedSimulator(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    /// <summary>The simulator's base address, <c>http://127.0.0.1:PORT/</c>.</summary>
    public Uri Address { get; }

    /// <summary>
    /// Starts a simulator configured by <paramref name="settings"/> (the keys of the simulator's appsettings.json:
    /// <c>Simulator:Users:ID:AccessKey</c>, <c>Simulator:StatePath</c>, <c>Simulator:Price:…</c>, and <c>Logging:…</c>).
    /// </summary>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">A setting is invalid (the message names the key).</exception>
    public static async Task<EmbeddedSimulator> StartAsync(IEnumerable<KeyValuePair<string, string?>> settings, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        // Only what the owner says: not the owner's appsettings.json, environment or command line.
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.ClearProviders();
        builder.Logging.AddConsole();
        builder.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Services.AddSingleton<IHostLifetime, OwnedLifetime>();
        builder.Services.AddWalletSimulator(builder.Configuration);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.UseWalletSimulator();
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        return new EmbeddedSimulator(app, new Uri(address.EndsWith('/') ? address : address + "/"));
    }

    /// <summary>
    /// Sets the price orders execute at from now on, in euro per bitcoin, over the configured feed (as
    /// <c>POST /admin/price</c> does, without the admin endpoints): the owner prices the wallet from its own rates.
    /// </summary>
    public void SetPrice(decimal euro)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(euro);
        _app.Services.GetRequiredService<PriceFeed>().Override = Money.Amounts.Normalize(euro);
    }

    /// <summary>Stops the server (requests in flight are finished) and closes the state file.</summary>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>A lifetime without signal handlers: the owning process decides when the simulator stops.</summary>
    private sealed class OwnedLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}

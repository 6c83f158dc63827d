using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace Reactive.WalletSimulator.Hosting;

/// <summary>Builds and runs the simulator.</summary>
internal static class SimulatorHost
{
    public const string DefaultUrl = "http://127.0.0.1:5090";

    /// <summary>
    /// The simulator, configured from its appsettings.json (beside the executable, not the working folder's, which is
    /// the service's), the environment and <paramref name="args"/>; <paramref name="configure"/> (tests) goes last.
    /// </summary>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        // Logs go to standard error, as the service's do.
        builder.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Services.AddWalletSimulator(builder.Configuration);
        configure?.Invoke(builder);
        if (string.IsNullOrEmpty(builder.Configuration["urls"]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        var app = builder.Build();
        app.UseWalletSimulator();
        return app;
    }

    public static async Task<int> RunAsync(string[] args, TextWriter stderr)
    {
        try
        {
            await using var app = Build(args);
            await app.RunAsync().ConfigureAwait(false);
            return 0;
        }
        catch (OptionsValidationException ex)
        {
            await stderr.WriteLineAsync("wallet-simulator: invalid configuration, not starting:").ConfigureAwait(false);
            foreach (var failure in ex.Failures)
            {
                await stderr.WriteLineAsync($"  {failure}").ConfigureAwait(false);
            }

            return 2;
        }
        catch (SimulatorStartException ex)
        {
            await stderr.WriteLineAsync($"wallet-simulator: cannot start: {ex.Message}").ConfigureAwait(false);
            return 1;
        }
        catch (IOException ex) when (ex.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException or System.Net.Sockets.SocketException)
        {
            await stderr.WriteLineAsync($"wallet-simulator: cannot listen: {ex.Message} (choose another address with --urls http://127.0.0.1:PORT)").ConfigureAwait(false);
            return 1;
        }
    }
}

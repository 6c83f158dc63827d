using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Reactive.WalletSimulator.Configuration;
using Reactive.WalletSimulator.Faults;
using Reactive.WalletSimulator.Http;
using Reactive.WalletSimulator.Prices;
using Reactive.WalletSimulator.Wallet;

namespace Reactive.WalletSimulator.Hosting;

/// <summary>The simulator's services and its request pipeline.</summary>
internal static class SimulatorServices
{
    public static IServiceCollection AddWalletSimulator(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SimulatorOptions>().Configure(o => Bind(configuration.GetSection(SimulatorOptions.Section), o)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<SimulatorOptions>, SimulatorOptionsValidator>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(sp =>
        {
            var o = Options(sp);
            return new WalletStore(o.StatePath, o.Users);
        });
        services.AddSingleton(sp => new AccessKeys(Options(sp).Users));
        services.AddSingleton(sp => new PriceFeed(Options(sp).Price, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<PriceFeed>>()));
        services.AddSingleton(sp => new FaultInjector(Options(sp).Faults));
        services.AddSingleton<WalletService>();
        services.AddHostedService<SimulatorStartup>();
        // GET /healthz: "Healthy" once it serves (a container's HEALTHCHECK, `wallet-simulator health`).
        services.AddHealthChecks();
        services.PostConfigure<LoggerFilterOptions>(HoldUrlLogs);
        return services;
    }

    public static WebApplication UseWalletSimulator(this WebApplication app)
    {
        app.UseMiddleware<RequestLog>();
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            // The middleware logs the exception; the client learns nothing of it.
            ExceptionHandler = context => Texts.Text(new Answer(StatusCodes.Status500InternalServerError, WalletService.InternalError)).ExecuteAsync(context),
        });
        app.MapWallet();
        app.MapHealthChecks("/healthz");
        if (Options(app.Services).Admin.Enabled)
        {
            app.MapAdmin();
        }

        return app;
    }

    /// <summary>
    /// Binds the section, refusing keys no option has (a misspelt fault rate must not leave faults off silently); a
    /// value that does not convert or an unknown key is a configuration error like any other, naming the key.
    /// </summary>
    private static void Bind(IConfigurationSection section, SimulatorOptions options)
    {
        try
        {
            section.Bind(options, b => b.ErrorOnUnknownConfiguration = true);
        }
        catch (InvalidOperationException ex)
        {
            throw new OptionsValidationException(SimulatorOptions.Section, typeof(SimulatorOptions), [ex.Message]);
        }
    }

    private static SimulatorOptions Options(IServiceProvider services) => services.GetRequiredService<IOptions<SimulatorOptions>>().Value;

    /// <summary>
    /// The log categories that quote a request's URL whole, the <c>access_key</c> of the query string with it:
    /// ASP.NET Core's request log ("Request starting GET http://…") and Kestrel's log of a request line it refuses
    /// ("Invalid request line: '…'"). The simulator's own request line (<see cref="RequestLog"/>) stands in for them.
    /// </summary>
    internal static readonly string[] HeldCategories = [RequestLog.HostingCategory, "Microsoft.AspNetCore.Server.Kestrel.BadRequests"];

    /// <summary>
    /// Holds <see cref="HeldCategories"/> at Warning for every provider, whatever the configuration says: a rule naming
    /// the exact category, added last, wins over any broader or earlier rule of the same provider.
    /// </summary>
    private static void HoldUrlLogs(LoggerFilterOptions options)
    {
        foreach (var provider in options.Rules.Select(r => r.ProviderName).Append(null).Distinct().ToList())
        {
            foreach (var category in HeldCategories)
            {
                options.Rules.Add(new LoggerFilterRule(provider, category, LogLevel.Warning, null));
            }
        }
    }
}

/// <summary>Opens the state file and loads the price feed before the first request, so a bad file stops the start with its reason.</summary>
internal sealed class SimulatorStartup(IServiceProvider services, IOptions<SimulatorOptions> options, ILogger<SimulatorStartup> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        WalletStore store;
        PriceFeed feed;
        try
        {
            store = services.GetRequiredService<WalletStore>();
            feed = services.GetRequiredService<PriceFeed>();
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException or UnauthorizedAccessException or Microsoft.Data.Sqlite.SqliteException)
        {
            throw new SimulatorStartException(ex.Message, ex);
        }

        var o = options.Value;
        var faults = o.Faults;
        Log.Started(logger, o.Users.Count, store.FullPath, feed.Description, o.Admin.Enabled ? "on" : "off",
            faults.ErrorRate + faults.LostAnswerRate + faults.DelayRate > 0 ? $"errors {faults.ErrorRate}, lost answers {faults.LostAnswerRate}, delays {faults.DelayRate} of {faults.Delay}" : "off");
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>The simulator cannot start: its state file or price feed is unusable.</summary>
internal sealed class SimulatorStartException(string message, Exception inner) : Exception(message, inner);

using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using System.Runtime.InteropServices;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using Reactive.Host.Configuration;
using Reactive.Host.Dashboard;
using Reactive.Host.DeadLetters;
using Reactive.Host.FileSinks;
using Reactive.Host.Http;
using Reactive.Host.Instances;
using Reactive.Host.Tables;
using Reactive.Host.Pipelines;
using Reactive.Host.Progress;
using Reactive.Host.Trading;
using Reactive.Host.Wallet;

namespace Reactive.Host.Cli;

/// <summary>Builds and runs the long-running service.</summary>
internal static class ServiceHost
{
    public const string DefaultUrl = "http://127.0.0.1:5080";

    /// <summary>
    /// Layers configuration lowest first: the embedded appsettings.json, the copy beside the
    /// executable, then what WebApplication adds (appsettings.json of the working folder,
    /// environment variables, command line).
    /// </summary>
    public static void AddDefaults(IConfigurationBuilder configuration)
    {
        var embedded = typeof(ServiceHost).Assembly.GetManifestResourceStream("Reactive.Host.appsettings.json")
            ?? throw new InvalidOperationException("the embedded appsettings.json is missing from the build");
        var defaults = new ConfigurationBuilder().AddJsonStream(embedded).Build();
        configuration.Sources.Insert(0, new ChainedConfigurationSource { Configuration = defaults, ShouldDisposeConfiguration = true });
        configuration.Sources.Insert(1, new Microsoft.Extensions.Configuration.Json.JsonConfigurationSource
        {
            Path = Path.Combine(AppContext.BaseDirectory, "appsettings.json"),
            Optional = true,
            ReloadOnChange = false,
        });
        foreach (var source in configuration.Sources.OfType<Microsoft.Extensions.Configuration.Json.JsonConfigurationSource>())
        {
            source.ReloadOnChange = false;
            source.ResolveFileProvider();
        }
    }

    /// <summary>The service's builder with its configuration layered; <c>--list-pipelines</c> reads the same.</summary>
    public static WebApplicationBuilder CreateBuilder(string[] args)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args });
        AddDefaults(builder.Configuration);
        return builder;
    }

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, bool verbose = false)
    {
        // A first line at once: loading the configuration and the host takes a moment, silence looks like a hang.
        await stderr.WriteLineAsync($"reactive: starting the service (pid {Environment.ProcessId}; stop it with Ctrl+C)").ConfigureAwait(false);
        var builder = CreateBuilder(args);
        var catalog = PipelineCatalog.Load(builder.Configuration, out var errors);
        Metrics.TelemetryOptions.Check(builder.Configuration, errors);
        if (errors.Count > 0)
        {
            return ReportConfigurationErrors(errors, stderr);
        }

        if (string.IsNullOrEmpty(builder.Configuration["urls"]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        // Checked before anything starts: a taken address is one line and exit 2, not a pipeline started then killed.
        var urls = builder.Configuration["urls"] is { Length: > 0 } configured ? configured : DefaultUrl;
        if (AddressCheck.FirstTaken(urls) is var (url, reason))
        {
            await stderr.WriteLineAsync(CannotListen(url, reason)).ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        // The in-process wallet simulator (Trading:Simulator:InProcess), when a pipeline trades in simulator mode: started
        // before the service is built, so that the wallet client's settings name its address; stopped after the service.
        var simulatorErrors = new List<string>();
        var simulatorSettings = InProcessSimulator.Settings(builder.Configuration, catalog, simulatorErrors);
        if (simulatorErrors.Count > 0)
        {
            return ReportConfigurationErrors(simulatorErrors, stderr);
        }

        await using var simulator = simulatorSettings is null ? null : await InProcessSimulator.StartAsync(simulatorSettings, catalog, CancellationToken.None).ConfigureAwait(false);
        if (simulator is not null)
        {
            builder.Configuration.AddInMemoryCollection(simulator.WalletSettings());
        }

        var journalRoot = simulator?.JournalRoot ?? catalog.Host.StateDirectory;
        ConfigureServices(builder, catalog, stdout, journalRoot, simulator);
        var app = builder.Build();
        var traders = catalog.Enabled.Where(p => p.Options is Kinds.TradingPipelineOptions).ToList();
        List<string> trading =
        [
            .. traders.SelectMany(p => Kinds.TradingPipelineKind.GateErrors(p.Name, (Kinds.TradingPipelineOptions)p.Options, name => catalog.Enabled.FirstOrDefault(e => e.Name == name)?.Kind.Name)),
            .. journalRoot is null
                ? JournalErrors(traders)
                : TradingServiceCollectionExtensions.MissingExecutors(app.Services, traders.Select(p => (p.Name, ((Kinds.TradingPipelineOptions)p.Options).Mode))),
        ];
        if (trading.Count > 0)
        {
            await app.DisposeAsync().ConfigureAwait(false);
            return ReportConfigurationErrors(trading, stderr);
        }


        // SIGTERM/SIGINT/SIGQUIT from here on request a stop. The host's own console lifetime only listens once it
        // starts; a signal in between (e.g. right after "Enabled pipelines") used to end the process with 143.
        using var earlySignals = StopOnSignals(app.Lifetime);
        try
        {
            // Every options section validated at start, all their failures at once (not only the first one a mapping reads).
            app.Services.GetService<Microsoft.Extensions.Options.IStartupValidator>()?.Validate();
            app.MapReactiveApi();
            app.MapReactiveDashboard();
        }
        catch (Exception ex) when (OptionFailures(ex) is { } failures)
        {
            return ReportConfigurationErrors(failures, stderr);
        }

        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Reactive.Host");
        if (simulator is not null)
        {
            Log.InProcessSimulatorStarted(logger, simulator.Address.ToString(), simulator.UserId, simulator.Price,
                simulator.Temporary ? "temporary (deleted at stop; set Reactive:StateDirectory to keep them)" : simulator.JournalRoot);
        }

        if (OperatingSystem.IsLinux())
        {
            Log.MallocArenas(logger, MallocArenas.Describe(Environment.GetEnvironmentVariable(MallocArenas.Variable)));
        }

        var enabled = catalog.Enabled.Select(p => p.Name).ToList();
        if (enabled.Count == 0)
        {
            Log.NoPipelines(logger);
        }
        else
        {
            Log.EnabledPipelines(logger, string.Join(", ", enabled));
        }

        // Once the server listens and the pipelines run: say who and where this instance is, for `reactive sql`.
        var instance = app.Services.GetRequiredService<ServiceInstance>();
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? urls;
            try
            {
                var path = instance.Write(catalog.Host.RunStateDirectory, address, enabled);
                Log.InstanceStarted(logger, instance.Id, address, path);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                Log.InstanceFileFailed(logger, catalog.Host.RunStateDirectory, ex.Message);
            }
        });
        app.Lifetime.ApplicationStopping.Register(() =>
        {
            try
            {
                instance.Remove(catalog.Host.RunStateDirectory);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                Log.InstanceFileFailed(logger, catalog.Host.RunStateDirectory, ex.Message);
            }
        });

        // Taken before RunAsync: the host disposes its lifetime on the way out, and the token stays readable.
        var stopping = app.Lifetime.ApplicationStopping;
        try
        {
            await app.RunAsync().ConfigureAwait(false);
        }
        catch (IOException ex) when (ex.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException or System.Net.Sockets.SocketException)
        {
            // Taken between the check and the bind: the same one line (no pipeline has started: they wait for the server).
            await stderr.WriteLineAsync(CannotListen(urls, ex.Message)).ConfigureAwait(false);
            if (verbose)
            {
                await stderr.WriteLineAsync(ex.ToString()).ConfigureAwait(false);
            }

            return ExitCodes.Usage;
        }
        catch (Exception ex) when (OptionFailures(ex) is { } failures)
        {
            // An options section validated at start (Tables, Sql, Http, Telemetry, …): its message names the key.
            return ReportConfigurationErrors(failures, stderr);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // SIGTERM or Ctrl+C while the host was still starting (e.g. binding its port): the start is cancelled.
            // A requested stop, not a failure: nothing had started, so there is nothing to flush.
            await stderr.WriteLineAsync("reactive: stopped during start-up").ConfigureAwait(false);
            return 0;
        }

        return 0;
    }

    /// <summary>The messages of an options validation failure (one, or several together), else null.</summary>
    private static List<string>? OptionFailures(Exception exception) => exception switch
    {
        OptionsValidationException options => [.. options.Failures],
        AggregateException { InnerExceptions: var inner } when inner.All(e => e is OptionsValidationException) =>
            [.. inner.Cast<OptionsValidationException>().SelectMany(e => e.Failures)],
        _ => null,
    };

    private static string CannotListen(string url, string reason) =>
        $"reactive: cannot listen on {url}: {reason}; stop that program, or choose another address: --urls http://127.0.0.1:PORT";

    private static CompositeDisposable StopOnSignals(IHostApplicationLifetime lifetime) =>
        new(new[] { PosixSignal.SIGTERM, PosixSignal.SIGINT, PosixSignal.SIGQUIT }.Select(signal => PosixSignalRegistration.Create(signal, context =>
        {
            context.Cancel = true;
            lifetime.StopApplication();
        })));

    public static int ReportConfigurationErrors(IReadOnlyList<string> errors, TextWriter stderr)
    {
        stderr.WriteLine("reactive: invalid configuration, not starting:");
        foreach (var error in errors)
        {
            stderr.WriteLine($"  {error}");
        }

        return 2;
    }

    private static void ConfigureServices(WebApplicationBuilder builder, Catalog catalog, TextWriter stdout, string? journalRoot, InProcessSimulator? simulator)
    {
        // Results go to standard output; every log line goes to standard error, as Spark's do.
        builder.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = catalog.Host.ShutdownTimeout);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<IScheduler>(DefaultScheduler.Instance);
        builder.Services.AddSingleton(catalog);
        builder.Services.AddSingleton(catalog.Host);
        builder.Services.AddSingleton(new ServiceInstance());
        // Every enabled pipeline is known from the start, so health is "starting" until each one runs.
        var registry = new PipelineProgressRegistry();
        foreach (var definition in catalog.Enabled)
        {
            registry.GetOrAdd(definition.Name, definition.Kind.Name);
        }

        builder.Services.AddSingleton(registry);
        builder.Services.AddReactiveApi(builder.Configuration);
        builder.Services.AddReactiveFileSinks(builder.Configuration);
        builder.Services.AddReactiveDashboard(builder.Configuration);
        builder.Services.AddReactiveTrading();
        AddWalletExecutors(builder, catalog, journalRoot, simulator);
        builder.Services.AddSingleton(sp => new PipelineServices(
            sp.GetRequiredService<MemoryTableStore>(),
            sp.GetRequiredService<FileSinkFactory>(),
            sp.GetRequiredService<DeadLetterStore>(),
            sp.GetRequiredService<DashboardFeed>(),
            sp.GetRequiredService<TradingDesks>()));
        // Made by the container so that it is disposed with it: what is queued for standard output is written at the stop.
        builder.Services.AddSingleton(_ => new ResultsOutput(stdout));
        // The pipelines start once the server has bound its addresses (ServiceStart), not before.
        builder.Services.AddSingleton<IHostedService>(sp => new ServiceStart(
            [.. catalog.Enabled.Select(definition => new PipelineService(
                definition,
                sp.GetRequiredService<HostSettings>(),
                sp.GetRequiredService<PipelineProgressRegistry>(),
                sp.GetRequiredService<IScheduler>(),
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ResultsOutput>(),
                sp.GetRequiredService<PipelineServices>(),
                sp.GetRequiredService<ILoggerFactory>()))]));
    }

    /// <summary>
    /// The wallet client and, per wallet mode an enabled trading pipeline uses (<c>simulator</c>, <c>live</c>), the
    /// journaled <see cref="Wallet.WalletOrderExecutor"/> the trading desks send its orders to (keyed by the mode's name);
    /// its journal is <c>JOURNALS/wallet-MODE/wallet-orders.db</c>, <c>JOURNALS</c> being <c>Reactive:StateDirectory</c> or
    /// the in-process simulator's temporary folder; with the in-process simulator, simulator mode's orders are priced at
    /// their decisions' rates (<see cref="InProcessSimulator.PricedByDecisions"/>). Nothing is registered when every
    /// trader is in paper mode.
    /// </summary>
    private static void AddWalletExecutors(WebApplicationBuilder builder, Catalog catalog, string? journalRoot, InProcessSimulator? simulator)
    {
        var modes = catalog.Enabled.Select(p => p.Options).OfType<Kinds.TradingPipelineOptions>()
            .Select(o => o.Mode).Where(m => m != TradingMode.Paper).Distinct().ToList();
        if (modes.Count == 0 || journalRoot is not { } state)
        {
            return;
        }

        builder.Services.AddWalletClient(builder.Configuration);
        foreach (var name in modes.Select(TradingDesk.ModeName))
        {
            builder.Services.AddKeyedSingleton<IOrderExecutor>(name, (sp, _) =>
            {
                var executor = sp.GetRequiredService<Wallet.WalletOrderExecutorFactory>().Create(Path.Combine(state, "wallet-" + name), name);
                return simulator is not null && name == WalletOrderExecutorFactory.SimulatorMode ? simulator.PricedByDecisions(executor) : executor;
            });
        }
    }

    /// <summary>A wallet mode journals its orders in <c>Reactive:StateDirectory</c>: without one it cannot promise an order is never placed twice.</summary>
    private static IEnumerable<string> JournalErrors(IEnumerable<PipelineDefinition> traders) =>
        traders.Where(p => ((Kinds.TradingPipelineOptions)p.Options).Mode != TradingMode.Paper)
            .Select(p => $"Pipelines:{p.Name}:Options:Mode: {TradingDesk.ModeName(((Kinds.TradingPipelineOptions)p.Options).Mode)} journals every order before it is sent, in Reactive:StateDirectory, which is not set; set it (e.g. --Reactive:StateDirectory state), or use paper");
}

using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Reactive.Host.Progress;

namespace Reactive.Host.Trading;

/// <summary>The trading pipelines' desks, by pipeline name (one singleton; a desk is made when its pipeline first asks).</summary>
internal sealed class TradingDesks : IDisposable
{
    private readonly ConcurrentDictionary<string, TradingDesk> _desks = new(StringComparer.Ordinal);
    private readonly IServiceProvider _services;
    private readonly ILoggerFactory _loggers;
    private readonly TradingMetrics? _metrics;

    /// <summary>The desks of <paramref name="services"/>' service (its wallet executor, meter factory and loggers).</summary>
    public TradingDesks(IServiceProvider services, ILoggerFactory loggers, IMeterFactory? meters = null)
    {
        _services = services;
        _loggers = loggers;
        _metrics = meters is null ? null : new TradingMetrics(meters, () => _desks.Values);
    }

    /// <summary>The pipelines' results, for the trading pipelines' gates.</summary>
    public PipelineResults Results { get; } = new();

    /// <summary>The desks, by pipeline name.</summary>
    public IEnumerable<TradingDesk> All => _desks.Values.OrderBy(d => d.Pipeline, StringComparer.Ordinal);

    /// <summary>The desk of <paramref name="pipeline"/>, made on first use.</summary>
    public TradingDesk For(string pipeline) =>
        _desks.GetOrAdd(pipeline, name => new TradingDesk(name, Executor, _metrics, _loggers.CreateLogger("Reactive.Trading"))
        {
            Results = Results,
            Time = _services.GetService<TimeProvider>() ?? TimeProvider.System,
        });

    /// <summary>The service's executor of <paramref name="mode"/>: the one registered under the mode's name, else the one registered without a key.</summary>
    private IOrderExecutor? Executor(TradingMode mode) =>
        (_services as IKeyedServiceProvider)?.GetKeyedService<IOrderExecutor>(TradingDesk.ModeName(mode)) ?? _services.GetService<IOrderExecutor>();

    /// <summary>Whether <paramref name="services"/> has an executor for <paramref name="mode"/>.</summary>
    internal static bool HasExecutor(IServiceProvider services, TradingMode mode) =>
        (services as IKeyedServiceProvider)?.GetKeyedService<IOrderExecutor>(TradingDesk.ModeName(mode)) is not null || services.GetService<IOrderExecutor>() is not null;

    public void Dispose()
    {
        foreach (var desk in _desks.Values)
        {
            desk.Dispose();
        }
    }
}

/// <summary>Registers the trading desks and their progress log line.</summary>
internal static class TradingServiceCollectionExtensions
{
    /// <summary>Registers <see cref="TradingDesks"/> and the progress log of each trading pipeline (every <c>Progress:LogInterval</c>).</summary>
    public static IServiceCollection AddReactiveTrading(this IServiceCollection services)
    {
        services.AddSingleton(sp => new TradingDesks(sp, sp.GetRequiredService<ILoggerFactory>(), sp.GetService<IMeterFactory>()));
        services.AddSingleton<IHostedService, TradingProgressService>();
        return services;
    }

    /// <summary>
    /// The configuration errors of trading pipelines whose mode needs the wallet executor when the service has none
    /// registered: (pipeline, mode) pairs in, one message naming the key each out.
    /// </summary>
    public static IReadOnlyList<string> MissingExecutors(IServiceProvider services, IEnumerable<(string Pipeline, TradingMode Mode)> pipelines) =>
        [.. pipelines.Where(p => p.Mode != TradingMode.Paper && !TradingDesks.HasExecutor(services, p.Mode)).Select(p => NoExecutorMessage(p.Pipeline, p.Mode))];

    /// <summary>The message of a mode that needs the wallet executor when there is none.</summary>
    public static string NoExecutorMessage(string pipeline, TradingMode mode) =>
        $"Pipelines:{pipeline}:Options:Mode: {TradingDesk.ModeName(mode)} sends orders through the wallet client (an IOrderExecutor), and this service has none registered; use paper, or a build with the wallet client";

    /// <summary>Logs each started desk's line at the progress interval.</summary>
    private sealed class TradingProgressService(TradingDesks desks, IOptions<ProgressOptions> options, TimeProvider time) : BackgroundService
    {
        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            using var timer = new PeriodicTimer(options.Value.LogInterval, time);
            try
            {
                while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
                {
                    foreach (var desk in desks.All.Where(d => d.Started))
                    {
                        desk.LogProgress();
                    }
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                // The service stops.
            }
        }
    }
}

using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Reactive.Host.Metrics;
using Reactive.Host.Wallet;
using Reactive.Operators.Trading;
using Reactive.WalletSimulator.Tests;

namespace Reactive.Host.Tests.Wallet;

/// <summary>
/// The wallet client as the service registers it (<see cref="WalletServiceCollectionExtensions.AddWalletClient"/>),
/// configured for a <see cref="SimulatorServer"/> user, with every log record of every category collected at Trace.
/// One rig is one process's worth of services: a "restarted" service is a new rig over the same state directory.
/// </summary>
internal sealed class WalletRig : IDisposable
{
    private WalletRig(ServiceProvider services, FakeLogCollector logs)
    {
        Services = services;
        Logs = logs;
    }

    public ServiceProvider Services { get; }

    /// <summary>Every record the client's side logged, of every category, at Trace and up.</summary>
    public FakeLogCollector Logs { get; }

    public WalletClient Client => Services.GetRequiredService<WalletClient>();

    public WalletOrderExecutorFactory Factory => Services.GetRequiredService<WalletOrderExecutorFactory>();

    /// <summary>The settings for <paramref name="address"/> and the user alice; <paramref name="settings"/> (keys below <c>Trading:Wallet</c>) go over them.</summary>
    public static WalletRig Start(Uri address, IReadOnlyDictionary<string, string?>? settings = null, TimeProvider? time = null, string accessKey = SimulatorServer.AliceKey)
    {
        var all = new Dictionary<string, string?>
        {
            ["Trading:Wallet:BaseUrl"] = address.ToString(),
            ["Trading:Wallet:UserId"] = SimulatorServer.Alice,
            ["Trading:Wallet:AccessKey"] = accessKey,
            // A lost answer is known at once here: the simulator holds a request for its Delay, which the tests set below this.
            ["Trading:Wallet:ReconcileDelay"] = "00:00:00",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[$"Trading:Wallet:{key}"] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(all).Build();
        var logs = new FakeLogCollector();
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(new FakeLoggerProvider(logs)));
        if (time is not null)
        {
            services.AddSingleton(time);
        }

        services.AddWalletClient(configuration);
        return new WalletRig(services.BuildServiceProvider(), logs);
    }

    /// <summary>A collector of one of the client's instruments on this rig's meter factory.</summary>
    public MetricCollector<T> Collect<T>(string instrument)
        where T : struct =>
        new(Services.GetRequiredService<IMeterFactory>(), ReactiveMetrics.MeterName, instrument);

    /// <summary>The sum of a counter's measurements whose tags include all of <paramref name="tags"/>.</summary>
    public static long Sum(MetricCollector<long> collector, params (string Key, string Value)[] tags) =>
        collector.GetMeasurementSnapshot()
            .Where(m => tags.All(t => m.Tags.TryGetValue(t.Key, out var v) && Equals(v, t.Value)))
            .Sum(m => m.Value);

    /// <summary>An order decision as the trading rule gives it (its id from the rule's own id function).</summary>
    public static OrderDecision Decision(int n, OrderSide side, double amount, double price = 100)
    {
        var ticks = new DateTimeOffset(2026, 12, 4, 0, 0, 0, TimeSpan.Zero).AddMinutes(n).UtcTicks;
        var id = DecisionIds.For("wallet-tests", "EUR", ticks, side, null);
        return new OrderDecision(id, "wallet-tests", "EUR", ticks, side, DecisionOutcome.Order, amount, amount, price, 0,
            new TradingSignal(price, price, ticks, ticks, 0, 0.01), [], "test order", default);
    }

    /// <summary>How many requests of <paramref name="path"/> (<c>/buy/</c>, <c>/sell/</c>, <c>/info/</c>) the simulator logged.</summary>
    public static int Requests(SimulatorServer server, string path) =>
        server.Logs.GetSnapshot().Count(r => r.Id.Id == 2010 && r.Message.StartsWith($"GET {path}", StringComparison.Ordinal));

    /// <summary>A new empty state directory (deleted by the caller).</summary>
    public static string NewStateDirectory() => SimulatorServer.NewDirectory();

    public void Dispose() => Services.Dispose();
}

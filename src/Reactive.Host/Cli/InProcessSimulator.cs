using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Extensions.Configuration;
using Reactive.Host.Configuration;
using Reactive.Host.Kinds;
using Reactive.Host.Trading;
using Reactive.Host.Wallet;
using Reactive.Operators.Trading;
using Reactive.Sources.Generators;
using Reactive.WalletSimulator.Hosting;

namespace Reactive.Host.Cli;

/// <summary>
/// The wallet simulator started inside the service for the <c>simulator</c> trading mode when
/// <c>Trading:Simulator:InProcess</c> is on: <c>src/Reactive.WalletSimulator</c>'s engine (users, balances, audit log,
/// price) on its own Kestrel at 127.0.0.1, reached through the same <see cref="WalletClient"/>, journal and
/// <c>Idempotency-Key</c> as a remote one. Its one user starts with the simulator-mode pipelines' starting balances. Each
/// order executes at the rate its decision was made on (set just before it is sent, <see cref="PricedExecutor"/>); until
/// the first order, and for an order an earlier run left open, the price is the simulator's own generator with the seed,
/// interval and speed of the first such pipeline's bitcoin generator (else the generator's defaults in real time), whose
/// clock starts a moment before the pipeline's and so drifts from its rates by those seconds times the speed.
/// Without <c>Reactive:StateDirectory</c> the wallet and the order journal are temporary (deleted at stop): the pipeline
/// then starts afresh each run, with the same decision ids, which an old journal would answer without sending anything.
/// </summary>
internal sealed class InProcessSimulator : IAsyncDisposable
{
    /// <summary>How much of the generated rates the simulator holds: this long at the pipeline's speed, then they repeat.</summary>
    internal static readonly TimeSpan PricedPeriod = TimeSpan.FromHours(1);

    private readonly EmbeddedSimulator _simulator;
    private readonly string? _temporary;

    private InProcessSimulator(EmbeddedSimulator simulator, string journalRoot, string? temporary, string userId, string price)
    {
        _simulator = simulator;
        JournalRoot = journalRoot;
        _temporary = temporary;
        UserId = userId;
        Price = price;
    }

    /// <summary>The simulator's base address.</summary>
    public Uri Address => _simulator.Address;

    /// <summary>The wallet user the service trades as.</summary>
    public string UserId { get; }

    /// <summary>Where its price comes from, for the start-up line.</summary>
    public string Price { get; }

    /// <summary>The folder the wallet executors' journals go under (<c>Reactive:StateDirectory</c>, or a temporary one).</summary>
    public string JournalRoot { get; }

    /// <summary>Whether the wallet and the journal are deleted at stop.</summary>
    public bool Temporary => _temporary is not null;

    /// <summary>
    /// The settings, or null when no simulator is to start (the key is off, or no enabled pipeline is in simulator
    /// mode); a bad setting is an error naming its key.
    /// </summary>
    public static InProcessSimulatorOptions? Settings(IConfiguration configuration, Catalog catalog, List<string> errors)
    {
        var section = configuration.GetSection(InProcessSimulatorOptions.SectionName);
        var options = new InProcessSimulatorOptions();
        foreach (var (key, apply) in new (string Key, Action<string> Apply)[]
                 {
                     (nameof(InProcessSimulatorOptions.InProcess), v => options.InProcess = bool.TryParse(v, out var on) ? on : throw new FormatException("must be true or false")),
                     (nameof(InProcessSimulatorOptions.UserId), v => options.UserId = string.IsNullOrWhiteSpace(v) ? throw new FormatException("must not be empty") : v),
                     (nameof(InProcessSimulatorOptions.AccessKey), v => options.AccessKey = string.IsNullOrWhiteSpace(v) ? throw new FormatException("must not be empty") : v),
                 })
        {
            if (section[key] is { } value)
            {
                try
                {
                    apply(value);
                }
                catch (FormatException ex)
                {
                    // The value itself is never quoted: it may be the key.
                    errors.Add($"{InProcessSimulatorOptions.SectionName}:{key}: {ex.Message}");
                }
            }
        }

        // A wallet named by Trading:Wallet:BaseUrl is the one traded against (a remote simulator, as in compose).
        var modes = catalog.Enabled.Select(p => p.Options).OfType<TradingPipelineOptions>().Select(o => o.Mode).ToHashSet();
        if (!options.InProcess || !modes.Contains(TradingMode.Simulator)
            || !string.IsNullOrEmpty(configuration[$"{WalletOptions.SectionName}:{nameof(WalletOptions.BaseUrl)}"]))
        {
            return null;
        }

        if (modes.Contains(TradingMode.Live))
        {
            errors.Add($"{InProcessSimulatorOptions.SectionName}:InProcess: true points the wallet client at the in-process simulator, and a pipeline trades live; set {InProcessSimulatorOptions.SectionName}:InProcess to false and {WalletOptions.SectionName}:BaseUrl to the live wallet");
        }

        return options;
    }

    /// <summary>Starts the simulator for <paramref name="catalog"/>'s simulator-mode pipelines.</summary>
    public static async Task<InProcessSimulator> StartAsync(InProcessSimulatorOptions options, Catalog catalog, CancellationToken cancellationToken)
    {
        var traders = catalog.Enabled.Where(p => p.Options is TradingPipelineOptions { Mode: TradingMode.Simulator }).ToList();
        var temporary = catalog.Host.StateDirectory is null
            ? Path.Combine(Path.GetTempPath(), "reactive-wallet-simulator-" + Guid.NewGuid().ToString("N"))
            : null;
        var walletDirectory = temporary ?? Path.Combine(catalog.Host.StateDirectory!, "wallet-simulator-in-process");
        var (priceSettings, price) = PriceSettings(traders.Select(t => t.Source).OfType<GeneratorSourceDefinition>().FirstOrDefault(g => g.Options is BitcoinRateGeneratorOptions));
        var user = options.UserId;
        var settings = new Dictionary<string, string?>(priceSettings)
        {
            ["Simulator:StatePath"] = Path.Combine(walletDirectory, "wallet-simulator.db"),
            [$"Simulator:Users:{user}:AccessKey"] = options.AccessKey ?? NewKey(),
            [$"Simulator:Users:{user}:Euro"] = Text(traders.Sum(t => ((TradingPipelineOptions)t.Options).Rule.StartingEuro)),
            [$"Simulator:Users:{user}:Bitcoin"] = Text(traders.Sum(t => ((TradingPipelineOptions)t.Options).Rule.StartingBitcoin)),
            ["Logging:LogLevel:Default"] = "Information",
            ["Logging:LogLevel:Microsoft"] = "Warning",
        };
        try
        {
            var simulator = await EmbeddedSimulator.StartAsync(settings, cancellationToken).ConfigureAwait(false);
            return new InProcessSimulator(simulator, temporary ?? catalog.Host.StateDirectory!, temporary, user, price)
            {
                AccessKey = settings[$"Simulator:Users:{user}:AccessKey"]!,
            };
        }
        catch
        {
            DeleteTemporary(temporary);
            throw;
        }
    }

    /// <summary>The key, for the wallet client's configuration only.</summary>
    private string AccessKey { get; init; } = "";

    /// <summary>Sets the simulator's price (euro per bitcoin) for the orders that follow.</summary>
    public void SetPrice(decimal euro) => _simulator.SetPrice(euro);

    /// <summary>The wallet client's settings that point it at this simulator as its user.</summary>
    public IEnumerable<KeyValuePair<string, string?>> WalletSettings() =>
    [
        new($"{WalletOptions.SectionName}:{nameof(WalletOptions.BaseUrl)}", Address.ToString()),
        new($"{WalletOptions.SectionName}:{nameof(WalletOptions.UserId)}", UserId),
        new($"{WalletOptions.SectionName}:{nameof(WalletOptions.AccessKey)}", AccessKey),
    ];

    /// <summary>
    /// <paramref name="executor"/> (the wallet client's, in simulator mode) with each order priced at its decision's rate:
    /// the simulator's price is set to the rate the rule decided on just before the order is sent.
    /// </summary>
    public IOrderExecutor PricedByDecisions(WalletOrderExecutor executor) => new PricedExecutor(executor, this);

    /// <summary>Stops the simulator (after the service's last order) and deletes a temporary wallet and journal.</summary>
    public async ValueTask DisposeAsync()
    {
        await _simulator.DisposeAsync().ConfigureAwait(false);
        DeleteTemporary(_temporary);
    }

    /// <summary>The simulator's price settings: the pipeline generator's seed, start, interval and speed, over <see cref="PricedPeriod"/>.</summary>
    private static (Dictionary<string, string?> Settings, string Description) PriceSettings(GeneratorSourceDefinition? source)
    {
        if (source is not { Options: BitcoinRateGeneratorOptions rates, Pacing: var pacing } || pacing.AsFastAsPossible)
        {
            var defaults = new BitcoinRateGeneratorOptions();
            return (new() { ["Simulator:Price:Kind"] = "generator", ["Simulator:Price:Speed"] = "1" },
                $"the simulator's generator (seed {defaults.Seed}) in real time");
        }

        var rows = Math.Clamp((long)(PricedPeriod.Ticks * pacing.Speed / rates.Interval.Ticks), 1, Math.Min(rates.MaxRows, 10_000_000));
        return (new()
        {
            ["Simulator:Price:Kind"] = "generator",
            ["Simulator:Price:Speed"] = Text(pacing.Speed),
            ["Simulator:Price:Generator:Seed"] = rates.Seed.ToString(CultureInfo.InvariantCulture),
            ["Simulator:Price:Generator:Rows"] = rows.ToString(CultureInfo.InvariantCulture),
            ["Simulator:Price:Generator:Start"] = rates.Start.ToString("O", CultureInfo.InvariantCulture),
            ["Simulator:Price:Generator:Interval"] = rates.Interval.ToString("c", CultureInfo.InvariantCulture),
            ["Simulator:Price:Generator:StartUsdRate"] = Text(rates.StartUsdRate),
            ["Simulator:Price:Generator:Volatility"] = Text(rates.Volatility),
            ["Simulator:Price:Generator:EurPerUsd"] = Text(rates.EurPerUsd),
            ["Simulator:Price:Generator:GbpPerUsd"] = Text(rates.GbpPerUsd),
            ["Simulator:Price:Generator:FxJitter"] = Text(rates.FxJitter),
        }, $"the euro rates of the pipeline's generator (seed {rates.Seed}, {pacing.Speed}x)");
    }

    private static string Text(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static string NewKey() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));

    private static void DeleteTemporary(string? directory)
    {
        if (directory is not null && Directory.Exists(directory))
        {
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Left in the temporary folder: nothing reads it again.
            }
        }
    }
}

/// <summary>
/// The in-process simulator's executor: the wallet client's <see cref="WalletOrderExecutor"/>, the simulator priced at each
/// order's decision rate before it is sent (one order at a time, so that two desks sharing it cannot swap prices).
/// </summary>
internal sealed class PricedExecutor(WalletOrderExecutor inner, InProcessSimulator simulator) : IOrderExecutor, IDisposable
{
    private readonly SemaphoreSlim _one = new(1, 1);

    public string Mode => inner.Mode;

    public TimeSpan? ReconcileInterval => inner.ReconcileInterval;

    public Task<IReadOnlyList<OrderExecution>> RecoverAsync(CancellationToken cancellationToken) => inner.RecoverAsync(cancellationToken);

    public async Task<OrderExecution> ExecuteAsync(OrderDecision decision, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(decision);
        await _one.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (double.IsFinite(decision.Price) && decision.Price > 0)
            {
                simulator.SetPrice((decimal)decision.Price);
            }

            return await inner.ExecuteAsync(decision, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _one.Release();
        }
    }

    public Task<WalletBalances> BalancesAsync(CancellationToken cancellationToken) => inner.BalancesAsync(cancellationToken);

    public void Dispose()
    {
        inner.Dispose();
        _one.Dispose();
    }
}

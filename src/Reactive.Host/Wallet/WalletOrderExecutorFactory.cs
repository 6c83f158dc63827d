using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Reactive.Host.Wallet;

/// <summary>Builds a <see cref="WalletOrderExecutor"/> over the journal in a pipeline's state directory.</summary>
public sealed class WalletOrderExecutorFactory
{
    /// <summary>The mode of orders sent to the wallet simulator.</summary>
    public const string SimulatorMode = "simulator";

    /// <summary>The mode of orders sent to the configured (real) wallet API.</summary>
    public const string LiveMode = "live";

    private readonly IServiceProvider _services;
    private readonly IOptions<WalletOptions> _options;
    private readonly WalletMetrics _metrics;
    private readonly ILoggerFactory _loggers;
    private readonly TimeProvider _time;

    /// <summary>Creates the factory (a singleton of <see cref="WalletServiceCollectionExtensions.AddWalletClient"/>).</summary>
    public WalletOrderExecutorFactory(IServiceProvider services, IOptions<WalletOptions> options, WalletMetrics metrics, ILoggerFactory loggers, TimeProvider time)
    {
        _services = services;
        _options = options;
        _metrics = metrics;
        _loggers = loggers;
        _time = time;
    }

    /// <summary>
    /// An executor in <paramref name="mode"/> (<see cref="SimulatorMode"/> or <see cref="LiveMode"/>) journaling to
    /// <c>wallet-orders.db</c> in <paramref name="stateDirectory"/> (created if missing). One executor per journal at a
    /// time; call <see cref="WalletOrderExecutor.RecoverAsync"/> before the first order, dispose it at the end.
    /// </summary>
    /// <exception cref="OptionsValidationException">The <c>Trading:Wallet</c> settings are invalid (the message names the key).</exception>
    public WalletOrderExecutor Create(string stateDirectory, string mode)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(stateDirectory);
        if (mode is not (SimulatorMode or LiveMode))
        {
            throw new ArgumentException($"the wallet executor's mode is {SimulatorMode} or {LiveMode} (got '{mode}')", nameof(mode));
        }

        var options = _options.Value;
        var client = _services.GetRequiredService<WalletClient>();
        var journal = WalletJournal.Open(stateDirectory, _time);
        return new WalletOrderExecutor(mode, client, journal, options, _metrics, _loggers.CreateLogger<WalletOrderExecutor>(), _time);
    }
}

using Reactive.WalletSimulator.Faults;
using Reactive.WalletSimulator.Prices;

namespace Reactive.WalletSimulator.Configuration;

/// <summary>The simulator's configuration: the section <c>Simulator</c> of appsettings.json, the environment and the command line.</summary>
internal sealed class SimulatorOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Simulator";

    /// <summary>The users by id (the <c>user_id</c> of the query string, compared exactly), with their keys and starting balances.</summary>
    /// <value>The default appsettings.json holds the demo user <c>1</c>.</value>
    public Dictionary<string, WalletUserOptions> Users { get; } = new(StringComparer.Ordinal);

    /// <summary>The SQLite file of balances and the audit log; a relative path is read from the working folder.</summary>
    /// <value>The default value is <c>state/wallet-simulator.db</c>.</value>
    public string StatePath { get; set; } = "state/wallet-simulator.db";

    /// <summary>The largest amount of one order, in bitcoin.</summary>
    /// <value>The default value is 10.</value>
    public decimal MaxAmount { get; set; } = 10;

    /// <summary>Where the bitcoin price comes from.</summary>
    public PriceOptions Price { get; set; } = new();

    /// <summary>The admin endpoints (<c>/admin/…</c>): for tests and local runs only.</summary>
    public AdminOptions Admin { get; set; } = new();

    /// <summary>Fault injection on buy and sell, off by default.</summary>
    public FaultOptions Faults { get; set; } = new();
}

/// <summary>Options of the admin endpoints.</summary>
internal sealed class AdminOptions
{
    /// <summary>
    /// Whether <c>/admin/price</c>, <c>/admin/faults</c> and <c>/admin/audit</c> are served. They take no key: enable them
    /// only where the simulator listens on a loopback address for tests.
    /// </summary>
    /// <value>The default value is <see langword="false"/> (they answer 404).</value>
    public bool Enabled { get; set; }
}

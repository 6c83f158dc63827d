namespace Reactive.WalletSimulator.Configuration;

/// <summary>One user of the simulator (<c>Simulator:Users:ID</c>).</summary>
internal sealed class WalletUserOptions
{
    /// <summary>The user's access key, required with every buy and sell. Never logged nor answered.</summary>
    /// <value>There is no default: a user without a key is a configuration error.</value>
    public string? AccessKey { get; set; }

    /// <summary>The euro balance the user starts with (cents at most), used the first time the user is seen in the state file.</summary>
    /// <value>The default value is 0.</value>
    public decimal Euro { get; set; }

    /// <summary>The bitcoin balance the user starts with (8 decimals at most), used the first time the user is seen in the state file.</summary>
    /// <value>The default value is 0.</value>
    public decimal Bitcoin { get; set; }
}

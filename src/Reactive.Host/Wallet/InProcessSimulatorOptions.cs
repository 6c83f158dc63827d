namespace Reactive.Host.Wallet;

/// <summary>
/// The in-process wallet simulator's settings (section <c>Trading:Simulator</c>): whether the <c>simulator</c> trading
/// mode trades against a simulator the service starts inside its own process when <c>Trading:Wallet:BaseUrl</c> names
/// no other wallet.
/// </summary>
public sealed class InProcessSimulatorOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Trading:Simulator";

    /// <summary>
    /// Whether a <c>simulator</c>-mode pipeline trades against a simulator started inside the service (on 127.0.0.1, a
    /// free port, real HTTP). It starts only when an enabled pipeline is in <c>simulator</c> mode and
    /// <c>Trading:Wallet:BaseUrl</c> names no other wallet.
    /// </summary>
    /// <value>The default is <see langword="false"/>; the embedded appsettings.json turns it on for <c>sample-trading</c>.</value>
    public bool InProcess { get; set; }

    /// <summary>The wallet user the service trades as.</summary>
    /// <value>The default is <c>reactive</c>.</value>
    public string UserId { get; set; } = "reactive";

    /// <summary>The user's access key.</summary>
    /// <value>The default is none: a random key made at each start, known only to the process.</value>
    public string? AccessKey { get; set; }
}

namespace Reactive.Host.Trading;

/// <summary>Where a trading pipeline's orders go (<c>Pipelines:NAME:Options:Mode</c>).</summary>
internal enum TradingMode
{
    /// <summary>The paper account only (<see cref="PaperOrderExecutor"/>): decisions and a running paper P&amp;L, no wallet.</summary>
    Paper,

    /// <summary>The wallet simulator, through the service's <see cref="IOrderExecutor"/> (the journaled wallet client).</summary>
    Simulator,

    /// <summary>The configured wallet API, through the service's <see cref="IOrderExecutor"/>.</summary>
    Live,
}

using System.Text.Json;
using Reactive.WalletSimulator.Tests;

namespace Reactive.Host.Tests.EndToEnd;

/// <summary>
/// One run of the built service trading in simulator mode through a simulator that fails 30 % of the buys and sells
/// (10 % answered 500 with nothing executed, 10 % executed but answered 500, 10 % held longer than the client waits),
/// from start until the feed ended and every order is settled; what it left is kept for the tests to judge.
/// </summary>
public sealed class FaultedWalletRun : IAsyncLifetime
{
    /// <summary>The generated rates the service replays (and the backtest reads).</summary>
    public const int Rows = 5000;

    private ServiceProcess? _service;

    internal SimulatorServer Simulator { get; private set; } = null!;

    internal string StateDirectory { get; } = Path.Combine(ServiceProcess.NewWorkingDirectory(), "state");

    /// <summary>Every <c>/api/pipelines</c>, <c>/api/trading</c> and <c>/metrics</c> answer read during the run.</summary>
    internal List<string> Seen { get; } = [];

    /// <summary>The settled <c>/api/trading</c> view of pipeline <c>t</c>.</summary>
    internal JsonElement View { get; private set; }

    /// <summary>The order decisions of the service's table, in order.</summary>
    internal List<string> Decided { get; private set; } = [];

    internal string Stdout => _service!.Stdout;

    internal string Stderr => _service!.Stderr;

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        Simulator = await WalletEndToEnd.StartSimulatorAsync(errorRate: 0.1, lostAnswerRate: 0.1, delayRate: 0.1, delay: TimeSpan.FromSeconds(2.5), seed: 5);
        string[] args =
        [
            .. WalletEndToEnd.ServiceArgs(StateDirectory, Simulator.Address, Rows, speed: 20_000,
                // A held request outlasts the attempt (a timeout), and is over when the client reconciles.
                ("AttemptTimeout", "00:00:01.5"),
                ("ReconcileDelay", "00:00:02")),
            // Every wallet and resilience record, at their most detailed, on the captured output.
            "--Logging:LogLevel:Reactive.Host.Wallet", "Trace",
            "--Logging:LogLevel:Polly", "Trace",
            "--Logging:LogLevel:System.Net.Http", "Trace",
            "--Logging:LogLevel:Microsoft.Extensions.Http", "Trace",
        ];
        _service = ServiceProcess.Start(ServiceProcess.NewWorkingDirectory(), WalletEndToEnd.Environment(), args);
        using var http = new HttpClient { BaseAddress = await _service.WaitForUrlAsync(TimeSpan.FromSeconds(90)), Timeout = TimeSpan.FromSeconds(60) };
        View = await WalletEndToEnd.WaitUntilSettledAsync(_service, http, Seen, TimeSpan.FromMinutes(5));
        Decided = await WalletEndToEnd.DecidedOrdersAsync(http);
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_service is not null)
        {
            await _service.TerminateAsync(TimeSpan.FromSeconds(30));
            await _service.DisposeAsync();
        }

        if (Simulator is not null)
        {
            await Simulator.DisposeAsync();
        }
    }
}

using Reactive.Host.Cli;
using Reactive.WalletSimulator.Hosting;

return args is ["health", ..]
    ? await HealthCommand.RunAsync(args[1..], "wallet-simulator health", new Uri(SimulatorHost.DefaultUrl + "/healthz"), Console.Out, Console.Error).ConfigureAwait(false)
    : await SimulatorHost.RunAsync(args, Console.Error).ConfigureAwait(false);

using Reactive.WalletSimulator;

return await SimulatorHost.RunAsync(args, Console.Error).ConfigureAwait(false);

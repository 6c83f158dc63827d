using Reactive.WalletSimulator.Hosting;

return await SimulatorHost.RunAsync(args, Console.Error).ConfigureAwait(false);

using Reactive.Host.Cli;

return await CommandLine.RunAsync(args, StandardOutput.Open(), Console.Error).ConfigureAwait(false);

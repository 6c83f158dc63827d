using Reactive.Host.Configuration;

namespace Reactive.Host.Cli;

/// <summary>The <c>reactive</c> command: the service, or one of its one-shot commands.</summary>
internal static class CommandLine
{
    public const string Usage = """
        usage:
          reactive [--pipelines a,b] [--urls URL] [--Section:Key value ...]   run the service
          reactive --list-pipelines                                            list configured pipelines
          reactive --reset-checkpoint NAME                                     delete pipeline NAME's checkpoint (it starts afresh)
          reactive run spread|anomaly|aggregate --input FILE --output FILE     one-shot run over a finite input
          reactive generate bbo|hourly|bitcoin [--rows N] [--seed S] [-o FILE] deterministic sample data
          reactive produce kinesis --stream NAME --input FILE|--generate bitcoin write a feed into a Kinesis stream
          reactive sql [--json] [--url URL] "SELECT …"                          query the running service's tables
          reactive health [--url http://127.0.0.1:5080/healthz]                exit 0 when the service answers healthy (HEALTHCHECK)
          reactive --help

        Configuration: appsettings.json, then environment variables (Pipelines__wordcount__Enabled=true),
        then the command line (--Pipelines:wordcount:Source:Port 9999).
        """;

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        switch (args.FirstOrDefault())
        {
            case "run":
                return RunCommand.Run(args[1..], stdout, stderr);
            case "generate":
                return GenerateCommand.Run(args[1..], stdout, stderr);
            case "produce":
                {
                    // Ctrl+C stops a paced feed between two calls.
                    using var stop = new CancellationTokenSource();
                    ConsoleCancelEventHandler cancel = (_, e) =>
                    {
                        e.Cancel = true;
                        stop.Cancel();
                    };
                    Console.CancelKeyPress += cancel;
                    try
                    {
                        return await ProduceCommand.RunAsync(args[1..], stdout, stderr, TimeProvider.System, stop.Token).ConfigureAwait(false);
                    }
                    finally
                    {
                        Console.CancelKeyPress -= cancel;
                    }
                }

            case "health":
                return await HealthCommand.RunAsync(args[1..], "reactive health", new Uri(ServiceHost.DefaultUrl + "/healthz"), stdout, stderr).ConfigureAwait(false);
            case "sql":
                return await Sql.SqlCommand.RunAsync(args[1..], stdout, stderr, CancellationToken.None).ConfigureAwait(false);
        }

        if (args.Contains("--help") || args.Contains("-h"))
        {
            await stdout.WriteLineAsync(Usage).ConfigureAwait(false);
            return 0;
        }

        if (Array.IndexOf(args, "--reset-checkpoint") is var reset and >= 0)
        {
            var name = reset + 1 < args.Length && !args[reset + 1].StartsWith('-') ? args[reset + 1] : null;
            return ResetCheckpoint(name, [.. args.Where((_, i) => i != reset && (name is null || i != reset + 1))], stdout, stderr);
        }

        if (args.Contains("--list-pipelines"))
        {
            return ListPipelines([.. args.Where(a => a != "--list-pipelines")], stdout, stderr);
        }

        return await ServiceHost.RunAsync(args, stdout, stderr).ConfigureAwait(false);
    }

    /// <summary>
    /// <c>reactive --reset-checkpoint NAME</c>: deletes the pipeline's checkpoint directory under
    /// <c>Reactive:StateDirectory</c>, so that it starts afresh (its durable tables too). Exit 0 when done or when it had
    /// none, 2 for a bad name or no state directory, 1 when the directory cannot be removed.
    /// </summary>
    private static int ResetCheckpoint(string? name, string[] args, TextWriter stdout, TextWriter stderr)
    {
        if (name is null)
        {
            stderr.WriteLine("reactive: --reset-checkpoint: give the pipeline's name (reactive --list-pipelines lists them)");
            return 2;
        }

        var catalog = PipelineCatalog.Load(ServiceHost.CreateBuilder(args).Configuration, out var errors);
        if (errors.Count > 0)
        {
            return ServiceHost.ReportConfigurationErrors(errors, stderr);
        }

        var pipeline = catalog.Pipelines.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));
        if (pipeline is null)
        {
            stderr.WriteLine($"reactive: --reset-checkpoint: no pipeline named '{name}' is configured (configured: {string.Join(", ", catalog.Pipelines.Select(p => p.Name))})");
            return 2;
        }

        if (catalog.Host.StateDirectory is not { } state)
        {
            stderr.WriteLine("reactive: --reset-checkpoint: Reactive:StateDirectory is not set, so no pipeline has a checkpoint");
            return 2;
        }

        var directory = Pipelines.PipelineCheckpoint.DirectoryOf(state, pipeline.Name);
        if (!Directory.Exists(directory))
        {
            stdout.WriteLine($"reactive: pipeline {pipeline.Name} has no checkpoint in {directory}: nothing to reset");
            return 0;
        }

        try
        {
            Checkpoints.CheckpointDirectory.Reset(directory);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or Checkpoints.CheckpointException)
        {
            stderr.WriteLine($"reactive: --reset-checkpoint: cannot remove {directory}: {ex.Message}");
            return 1;
        }

        stdout.WriteLine($"reactive: deleted the checkpoint of pipeline {pipeline.Name} ({directory}); it starts from the beginning of its input at the next start");
        return 0;
    }

    private static int ListPipelines(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var catalog = PipelineCatalog.Load(ServiceHost.CreateBuilder(args).Configuration, out var errors);
        if (errors.Count > 0)
        {
            return ServiceHost.ReportConfigurationErrors(errors, stderr);
        }

        stdout.WriteLine($"{"NAME",-20} {"KIND",-10} {"ENABLED",-8} SOURCE");
        foreach (var p in catalog.Pipelines)
        {
            stdout.WriteLine($"{p.Name,-20} {p.Kind.Name,-10} {(p.Enabled ? "yes" : "no"),-8} {p.Source.Describe()}");
            if (p.Description is not null)
            {
                stdout.WriteLine($"{"",-20} {p.Description}");
            }
        }

        return 0;
    }
}

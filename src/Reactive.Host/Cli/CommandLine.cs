using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using Reactive.Host.Configuration;

namespace Reactive.Host.Cli;

/// <summary>
/// The <c>reactive</c> command (System.CommandLine): the service when no subcommand is given, or one of its one-shot
/// commands. Each command's options are made from the binding tables of what it reads, so an option is spelt as its
/// configuration key; a misspelt word is refused with exit 2 and the nearest one suggested.
/// </summary>
internal static class CommandLine
{
    public const string Usage = """
          reactive [--pipelines a,b] [--urls URL] [--Section:Key value ...]   run the service
          reactive --list-pipelines                                            list configured pipelines
          reactive --reset-checkpoint NAME                                     delete pipeline NAME's checkpoint (it starts afresh)
          reactive run spread|anomaly|aggregate|… --input FILE --output FILE   one-shot run over a finite input
          reactive generate bbo|hourly|bitcoin [--rows N] [--seed S] [-o FILE] deterministic sample data
          reactive produce kinesis --stream NAME --input FILE|--generate bitcoin write a feed into a Kinesis stream
          reactive sql [--json] [--url URL] "SELECT …"                          query the running service's tables
          reactive health [--url http://127.0.0.1:5080/healthz]                exit 0 when the service answers healthy (HEALTHCHECK)
          reactive COMMAND --help                                              the arguments of a command

        Configuration: appsettings.json, then environment variables (Pipelines__wordcount__Enabled=true),
        then the command line (--Pipelines:wordcount:Source:Port 9999). Exit codes: docs/CLI.md.
        """;

    /// <summary>Parses <paramref name="args"/> and runs the command they name; returns the exit code (<see cref="ExitCodes"/>).</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken = default)
    {
        var (configuration, rest) = SplitConfiguration(args);
        var verbose = new Option<bool>("--verbose") { Arity = ArgumentArity.Zero, Recursive = true, Description = "show the stack trace of an unexpected error" };
        var root = CreateRoot(configuration, verbose, stdout, stderr);
        var result = root.Parse(rest, new ParserConfiguration { ResponseFileTokenReplacer = null });
        if (result.Errors.Count > 0 && result.Action is not UsageFirstHelp)
        {
            return CliErrors.Report(result, stderr);
        }

        // Configuration keys are the service's (and what sql reads to find it); a one-shot command has options instead.
        if (configuration.Count > 0 && result.CommandResult.Command is CliCommand { Name: not ("reactive" or "sql") } other)
        {
            stderr.WriteLine($"{other.Label}: {configuration[0]}: a configuration key, read by the service (reactive --Section:Key value), not by '{other.Name}'");
            return ExitCodes.Usage;
        }

        try
        {
            return await result.InvokeAsync(
                new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null },
                cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // One line a user can act on; where it happened only when asked for.
            stderr.WriteLine($"reactive: unexpected error: {ex.Message}");
            stderr.WriteLine(result.GetValue(verbose) ? ex.ToString() : "(--verbose shows the stack trace)");
            return ExitCodes.Failure;
        }
    }

    /// <summary><c>health [--url URL]</c>: the containers' HEALTHCHECK (<see cref="HealthCommand"/>).</summary>
    private static CliCommand CreateHealth(TextWriter stdout, TextWriter stderr)
    {
        var defaultUrl = new Uri(ServiceHost.DefaultUrl + "/healthz");
        var url = new Option<string>("--url") { HelpName = "URL", Description = $"the health endpoint (default {defaultUrl})" };
        var health = new CliCommand("health", "reactive health", $"reactive health [--url {defaultUrl}]")
        {
            Description = "Exits 0 when the service answers healthy, 1 otherwise (a container's HEALTHCHECK).",
        };
        health.Options.Add(url);
        health.HintWhenMissing(url, $"needs a value, like --url {defaultUrl}");
        health.SetAction((result, _) =>
            HealthCommand.RunAsync(result.GetValue(url) is { } given ? ["--url", given] : [], "reactive health", defaultUrl, stdout, stderr));
        return health;
    }

    /// <summary>
    /// Takes the configuration keys out of the arguments (<c>--Pipelines:x:Source:Port 9999</c>,
    /// <c>--Reactive:StateDirectory=state</c>: a name with a colon), each with its value, for the configuration to read
    /// and check (an unknown key is refused there, by name).
    /// </summary>
    internal static (List<string> Configuration, List<string> Others) SplitConfiguration(IReadOnlyList<string> args)
    {
        var configuration = new List<string>();
        var rest = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            var name = arg.Split('=', 2)[0];
            if (arg.StartsWith("--", StringComparison.Ordinal) && arg.Length > 2 && char.IsLetter(arg[2]) && name.Contains(':', StringComparison.Ordinal))
            {
                configuration.Add(arg);
                if (!arg.Contains('=', StringComparison.Ordinal) && i + 1 < args.Count)
                {
                    configuration.Add(args[++i]);
                }
            }
            else
            {
                rest.Add(arg);
            }
        }

        return (configuration, rest);
    }

    private static CliCommand CreateRoot(List<string> configuration, Option<bool> verbose, TextWriter stdout, TextWriter stderr)
    {
        var pipelines = new Option<string>("--" + PipelineCatalog.SelectionKey) { HelpName = "a,b", Description = "= pipelines: run only these configured pipelines" };
        var urls = new Option<string>("--urls") { HelpName = "URL", Description = $"= urls: where the HTTP API listens (default {ServiceHost.DefaultUrl})" };
        var list = new Option<bool>("--list-pipelines") { Arity = ArgumentArity.Zero, Description = "list the configured pipelines and exit" };
        var reset = new Option<string>("--reset-checkpoint") { HelpName = "NAME", Description = "delete pipeline NAME's checkpoint (it starts afresh) and exit" };
        var root = new CliCommand("reactive", "reactive", Usage)
        {
            Description = "Real-time analytics over live feeds: the service, or one of its commands.",
            SubcommandNoun = "command",
        };
        root.Options.Add(new HelpOption());
        root.Options.Add(new VersionOption());
        root.Options.Add(verbose);
        root.Options.Add(pipelines);
        root.Options.Add(urls);
        root.Options.Add(list);
        root.Options.Add(reset);
        root.HintWhenMissing(pipelines, "needs a value: a comma-separated list of pipeline names (reactive --list-pipelines lists them)");
        root.HintWhenMissing(reset, "give the pipeline's name (reactive --list-pipelines lists them)");
        root.HintWhenMissing(urls, "needs a value, like --urls http://127.0.0.1:5080");
        root.Subcommands.Add(RunCommand.Create(stdout, stderr));
        root.Subcommands.Add(GenerateCommand.Create(stdout, stderr));
        root.Subcommands.Add(ProduceCommand.Create(stderr));
        root.Subcommands.Add(SqlCommand.Create(stdout, stderr, configuration));
        root.Subcommands.Add(CreateHealth(stdout, stderr));
        root.SetAction(async (result, _) =>
        {
            List<string> args = [.. configuration];
            if (result.GetResult(pipelines) is { Implicit: false })
            {
                args.Add($"--{PipelineCatalog.SelectionKey}={result.GetValue(pipelines)}");
            }

            if (result.GetValue(urls) is { } url)
            {
                args.Add($"--urls={url}");
            }

            if (result.GetResult(reset) is { Implicit: false })
            {
                return ResetCheckpoint(result.GetValue(reset), [.. args], stdout, stderr);
            }

            return result.GetValue(list)
                ? ListPipelines([.. args], stdout, stderr)
                : await ServiceHost.RunAsync([.. args], stdout, stderr, result.GetValue(verbose)).ConfigureAwait(false);
        });
        UseHelpLayout(root);
        CliOptions.RefuseOptionsAsValues(root);
        return root;
    }

    /// <summary>Every command's help starts with its <c>usage:</c> lines, then the parser's own (options made from the tables).</summary>
    private static void UseHelpLayout(CliCommand root) =>
        root.Options.OfType<HelpOption>().Single().Action = new UsageFirstHelp();

    /// <summary>The command's <c>usage:</c> lines (what it does, with examples), then System.CommandLine's help.</summary>
    private sealed class UsageFirstHelp : SynchronousCommandLineAction
    {
        private readonly HelpAction _help = new();

        public override int Invoke(ParseResult parseResult)
        {
            var output = parseResult.InvocationConfiguration.Output;
            output.WriteLine("usage:");
            output.WriteLine((parseResult.CommandResult.Command as CliCommand)?.Usage.TrimEnd() ?? parseResult.CommandResult.Command.Name);
            output.WriteLine();
            return _help.Invoke(parseResult);
        }
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

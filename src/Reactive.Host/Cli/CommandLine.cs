using Reactive.Host.Configuration;

namespace Reactive.Host.Cli;

/// <summary>The <c>reactive</c> command: the service, or one of its one-shot commands.</summary>
internal static class CommandLine
{
    public const string Usage = """
        usage:
          reactive [--pipelines a,b] [--urls URL] [--Section:Key value ...]   run the service
          reactive --list-pipelines                                            list configured pipelines
          reactive run spread|anomaly|aggregate --input FILE --output FILE     one-shot run over a finite input
          reactive generate bbo|hourly|bitcoin [--rows N] [--seed S] [-o FILE] deterministic sample data
          reactive sql [--json] [--url URL] "SELECT …"                          query the running service's tables
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
            case "sql":
                return await Sql.SqlCommand.RunAsync(args[1..], stdout, stderr, CancellationToken.None).ConfigureAwait(false);
        }

        if (args.Contains("--help") || args.Contains("-h"))
        {
            await stdout.WriteLineAsync(Usage).ConfigureAwait(false);
            return 0;
        }

        if (args.Contains("--list-pipelines"))
        {
            return ListPipelines([.. args.Where(a => a != "--list-pipelines")], stdout, stderr);
        }

        return await ServiceHost.RunAsync(args, stdout, stderr).ConfigureAwait(false);
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

using System.CommandLine;
using System.Text;
using Reactive.Host.Configuration;
using Reactive.Host.Settings;
using Reactive.Sources.Generators;

namespace Reactive.Host.Cli;

/// <summary>
/// <c>reactive generate bbo|hourly|bitcoin</c>: deterministic sample data in the course's exact formats. The arguments
/// are the generator settings of a <c>generator</c> source (one binding table each), the defaults the generators' own.
/// </summary>
internal static class GenerateCommand
{
    public const string Usage = """
          reactive generate bbo     [--rows 10000] [--seed 14081] [--symbol SYN | --symbols AAA,BBB,CCC] [--start-date 2014-03-03] [-o quotes.csv]
          reactive generate hourly  [--rows 1344] [--seed 2017] [--start-date 2017-01-01] [-o prices.csv]
          reactive generate bitcoin [--rows 720] [--seed 2009] [--start 2021-01-04T00:00:00] [--interval "10 seconds"] [-o rates.jsonl]
        -o/--output - (the default) writes to standard output. The same seed always gives the same bytes.
        """;

    /// <summary><c>reactive generate</c> and one subcommand per data kind, its options made from the generator's binding table.</summary>
    public static CliCommand Create(TextWriter stdout, TextWriter stderr)
    {
        var generate = new CliCommand("generate", "reactive generate", Usage)
        {
            Description = "Writes deterministic sample data in the course's formats.",
            SubcommandNoun = "data kind",
        };
        generate.Subcommands.Add(Kind("bbo", "BBO quotes (CSV), for the spread pipeline", SourceDefinitions.Bbo, () => new BboQuoteGeneratorOptions(), o => o.Validate(), o => o.Rows, BboQuoteGenerator.Write, stdout, stderr));
        generate.Subcommands.Add(Kind("hourly", "hourly electricity prices (CSV), for the anomaly pipeline", SourceDefinitions.Hourly, () => new HourlyPriceGeneratorOptions(), o => o.Validate(), o => o.Rows, HourlyPriceGenerator.Write, stdout, stderr));
        generate.Subcommands.Add(Kind("bitcoin", "bitcoin rates (JSON lines), for the bitcoin pipeline", SourceDefinitions.Bitcoin, () => new BitcoinRateGeneratorOptions(), o => o.Validate(), o => o.Rows, BitcoinRateGenerator.Write, stdout, stderr));
        return generate;
    }

    private static CliCommand Kind<T>(string name, string description, SettingsTable<T> table, Func<T> create, Action<T> validate, Func<T, long> rows, Action<Stream, T> write, TextWriter stdout, TextWriter stderr)
    {
        var command = new CliCommand(name, "reactive generate", Usage) { Description = description };
        var output = new Option<string>("--output", "-o") { HelpName = "FILE", Description = "where to write (- : standard output, the default)" };
        command.Options.Add(output);
        CliOptions.AddTo(command, CliOptions.From(table.Arguments, "Pipelines:NAME:Source:"));
        command.SetAction(result =>
        {
            var a = new ArgSettingSource(result);
            var options = create();
            table.Bind(a, options);
            if (a.Errors.Count == 0)
            {
                table.Validate(a, () => validate(options));
            }

            if (a.Errors.Count > 0)
            {
                foreach (var error in a.Errors)
                {
                    stderr.WriteLine($"reactive generate: {error}");
                }

                return ExitCodes.Usage;
            }

            return Write(result.GetValue(output) ?? "-", s => write(s, options), $"reactive generate {name}", rows(options), stdout, stderr);
        });
        return command;
    }

    private static int Write(string output, Action<Stream> write, string label, long rows, TextWriter stdout, TextWriter stderr)
    {
        if (output == "-")
        {
            using var buffer = new MemoryStream();
            write(buffer);
            stdout.Write(Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
            stdout.Flush();
        }
        else
        {
            // Under a temporary name until it is whole: a failed or stopped run leaves no half file under the final name.
            using var file = new StagedFile(output);
            var counts = new Analytics.ReadCounts();
            using (var counted = new Analytics.CountingStream(file.Stream, counts))
            using (TerminalProgress.StartIfTerminal(stderr, label, null, () => (counts.Bytes, counts.Rows), totalRows: rows))
            {
                write(counted);
            }

            file.Commit();
        }

        return 0;
    }
}

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
        usage:
          reactive generate bbo     [--rows 10000] [--seed 14081] [--symbol SYN | --symbols AAA,BBB,CCC] [--start-date 2014-03-03] [-o quotes.csv]
          reactive generate hourly  [--rows 1344] [--seed 2017] [--start-date 2017-01-01] [-o prices.csv]
          reactive generate bitcoin [--rows 720] [--seed 2009] [--start 2021-01-04T00:00:00] [--interval "10 seconds"] [-o rates.jsonl]
        -o/--output - (the default) writes to standard output. The same seed always gives the same bytes.
        """;

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        if (args.Length == 0 || args[0] is "--help" or "-h")
        {
            stdout.WriteLine(Usage);
            return args.Length == 0 ? 2 : 0;
        }

        var kind = args[0];
        if (kind is not ("bbo" or "hourly" or "bitcoin"))
        {
            // The kind decides which arguments exist: an unknown one is the only error worth reporting.
            stderr.WriteLine($"reactive generate: unknown data kind '{kind}' (one of: bbo, hourly, bitcoin)");
            return 2;
        }

        var a = new ArgSettingSource(args.Skip(1), []);
        var output = a.Value("output", alias: "o") ?? "-";
        Action<Stream> write = kind switch
        {
            "bbo" => Writer(a, SourceDefinitions.Bbo, new BboQuoteGeneratorOptions(), o => o.Validate(), BboQuoteGenerator.Write),
            "hourly" => Writer(a, SourceDefinitions.Hourly, new HourlyPriceGeneratorOptions(), o => o.Validate(), HourlyPriceGenerator.Write),
            _ => Writer(a, SourceDefinitions.Bitcoin, new BitcoinRateGeneratorOptions(), o => o.Validate(), BitcoinRateGenerator.Write),
        };
        a.RejectUnknown($"generate {kind}");
        if (a.Errors.Count > 0)
        {
            foreach (var error in a.Errors)
            {
                stderr.WriteLine($"reactive generate: {error}");
            }

            return 2;
        }

        if (output == "-")
        {
            using var buffer = new MemoryStream();
            write(buffer);
            stdout.Write(Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
            stdout.Flush();
        }
        else
        {
            using var file = new FileStream(output, FileMode.Create, FileAccess.Write);
            write(file);
        }

        return 0;
    }

    private static Action<Stream> Writer<T>(ArgSettingSource a, SettingsTable<T> table, T options, Action<T> validate, Action<Stream, T> write)
    {
        var errors = a.Errors.Count;
        table.Bind(a, options);
        if (a.Errors.Count == errors)
        {
            table.Validate(a, () => validate(options));
        }

        return s => write(s, options);
    }
}

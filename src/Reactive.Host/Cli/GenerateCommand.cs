using System.Globalization;
using System.Text;
using Reactive.Sources.Generators;

namespace Reactive.Host.Cli;

/// <summary><c>reactive generate bbo|hourly|bitcoin</c>: deterministic sample data in the course's exact formats.</summary>
internal static class GenerateCommand
{
    public const string Usage = """
        usage:
          reactive generate bbo     [--rows 10000] [--seed 14081] [--symbol SYN] [--start-date 2014-03-03] [-o quotes.csv]
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

        var a = new ArgReader(args.Skip(1), new HashSet<string>());
        var output = a.String("output", "-", alias: "o")!;
        Action<Stream>? write = null;
        try
        {
            write = kind switch
            {
                "bbo" => Bbo(a),
                "hourly" => Hourly(a),
                _ => Bitcoin(a),
            };
        }
        catch (ArgumentException ex)
        {
            a.Errors.Add($"--{Kebab(ex.ParamName)}: {ArgReader.CleanMessage(ex)}");
        }

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
            write!(buffer);
            stdout.Write(Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
            stdout.Flush();
        }
        else
        {
            using var file = new FileStream(output, FileMode.Create, FileAccess.Write);
            write!(file);
        }

        return 0;
    }

    private static Action<Stream> Bbo(ArgReader a)
    {
        var o = new BboQuoteGeneratorOptions
        {
            Rows = a.Long("rows", 10_000, 1),
            Seed = (int)a.Long("seed", 14081, int.MinValue, int.MaxValue),
            Symbol = a.String("symbol", "SYN")!,
        };
        if (a.String("start-date") is { } d)
        {
            o.StartDate = ParseDate(a, "start-date", d) ?? o.StartDate;
        }

        o.Validate();
        return s => BboQuoteGenerator.Write(s, o);
    }

    private static Action<Stream> Hourly(ArgReader a)
    {
        var o = new HourlyPriceGeneratorOptions
        {
            Rows = a.Long("rows", 24 * 7 * 8, 1),
            Seed = (int)a.Long("seed", 2017, int.MinValue, int.MaxValue),
        };
        if (a.String("start-date") is { } d)
        {
            o.StartDate = ParseDate(a, "start-date", d) ?? o.StartDate;
        }

        o.Validate();
        return s => HourlyPriceGenerator.Write(s, o);
    }

    private static Action<Stream> Bitcoin(ArgReader a)
    {
        var o = new BitcoinRateGeneratorOptions
        {
            Rows = a.Long("rows", 720, 1),
            Seed = (int)a.Long("seed", 2009, int.MinValue, int.MaxValue),
            Interval = a.Duration("interval", TimeSpan.FromSeconds(10), allowZero: false),
        };
        if (a.String("start") is { } start)
        {
            // The feed's own shape, a date alone, or with a space: never a time alone (it would be dated from the
            // machine's clock) nor an offset (converted to the machine's zone); the feed's times have no zone.
            if (DateTime.TryParseExact(start, ["yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var t))
            {
                o.Start = DateTime.SpecifyKind(t, DateTimeKind.Unspecified);
            }
            else
            {
                a.Errors.Add($"--start: '{start}' is not a date and time such as 2021-01-04T00:00:00");
            }
        }

        o.Validate();
        return s => BitcoinRateGenerator.Write(s, o);
    }

    private static DateOnly? ParseDate(ArgReader a, string name, string text)
    {
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return date;
        }

        a.Errors.Add($"--{name}: '{text}' is not a date yyyy-MM-dd");
        return null;
    }

    private static string Kebab(string? name) => name is null ? "?" : string.Concat(name.Select((c, i) => char.IsUpper(c) && i > 0 ? "-" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));
}

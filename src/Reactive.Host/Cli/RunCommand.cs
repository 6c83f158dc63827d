using System.Reactive.Concurrency;
using System.Reactive.Linq;
using System.Text;
using System.Text.Json;
using Reactive.Host.Analytics;
using Reactive.Operators.Anomaly;
using Reactive.Operators.DeadLetters;
using Reactive.Operators.Parsing;
using Reactive.Operators.Spread;
using Reactive.Operators.Windows;
using Reactive.Sources;

namespace Reactive.Host.Cli;

/// <summary>
/// <c>reactive run &lt;pipeline&gt; --input FILE --output FILE</c>: a finite input processed as fast as
/// possible through the same compositions the service runs, results written as JSON lines, exit 0
/// at the end. Like Spark's <c>Trigger.Once</c>, the whole input is one micro-batch: update and
/// complete modes emit once, at the end. The file is parsed from its bytes (<see cref="FileRecordSource"/>);
/// the service parses its sources' lines (<see cref="LineRecordSource"/>); the operators after the parser are the same.
/// </summary>
internal static class RunCommand
{
    public const string Usage = """
        usage:
          reactive run spread    --input quotes.csv  --output out.jsonl [--time-zone America/New_York] [--watermark 0s]
                                 [--exclude-locked-crossed] [--quotes] [--max-pending-quotes N] [--dead-letters FILE] [--late FILE]
          reactive run anomaly   --input prices.csv  --output out.jsonl [--time-zone Etc/GMT+5] [--lookback "14 days"]
                                 [--min-history 14] [--stddevs 2] [--max-baseline 1000] [--all] [--dead-letters FILE]
          reactive run aggregate --input in.jsonl --time-field time [--time-format iso|unix_s|unix_ms|<.NET format>]
                                 [--time-zone UTC] [--format jsonl|csv] [--no-header] [--schema "t timestamp, id string, v double"]
                                 --window "10 seconds"
                                 [--slide "5 seconds"] [--start-offset "0 seconds"] [--group-by id]... --agg count
                                 --agg "avg(value)"... [--watermark "10 seconds"] [--output-mode append|update|complete]
                                 --output out.jsonl [--dead-letters FILE] [--late FILE]
        Every pipeline also takes --max-line-length N (bytes, default 1048576; a longer line is a dead letter).
        --output - writes to standard output. Durations: "10 seconds", "5 minutes", "1 hour", or 00:00:10.
        """;

    // The operator options that failure messages name, and the arguments that set them in a run.
    private static readonly (string Option, string Argument)[] OptionArguments =
    [
        ("AnomalyOptions.MaxBaselineSize", "--max-baseline"),
        ("AnomalyOptions.Lookback", "--lookback"),
        ("SpreadOptions.WatermarkDelay", "--watermark"),
        ("SpreadOptions.MaxPendingQuotes", "--max-pending-quotes"),
    ];

    private static readonly HashSet<string> Flags = ["exclude-locked-crossed", "quotes", "all", "no-header"];

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        // `run --help`, and `run spread --help` as people type it once they know the pipeline.
        if (args.Length == 0 || args.Any(arg => arg is "--help" or "-h"))
        {
            stdout.WriteLine(Usage);
            return args.Length == 0 ? 2 : 0;
        }

        var pipeline = args[0];
        var a = new ArgReader(args.Skip(1), Flags);
        var input = a.String("input", required: true);
        var output = a.String("output", required: true, alias: "o");
        var deadLetterPath = a.String("dead-letters");
        var latePath = a.String("late");
        var maxLineLength = (int)a.Long("max-line-length", Utf8LineReader.DefaultMaxLineLength, 1, int.MaxValue - 64);
        Func<IRecordSource, CompositionOutputs, IObservable<ResultRow>>? compose = pipeline switch
        {
            "spread" => SpreadFromArgs(a),
            "anomaly" => AnomalyFromArgs(a),
            "aggregate" => AggregateFromArgs(a),
            _ => null,
        };
        if (compose is null)
        {
            a.Errors.Insert(0, $"unknown pipeline '{pipeline}' (one of: spread, anomaly, aggregate)");
        }

        a.RejectUnknown($"run {pipeline}");
        if (input is not null && input != "-" && !File.Exists(input))
        {
            a.Errors.Add($"--input: '{input}' does not exist");
        }

        if (a.Errors.Count > 0)
        {
            foreach (var error in a.Errors)
            {
                stderr.WriteLine($"reactive run: {error}");
            }

            stderr.WriteLine("(reactive run --help shows the arguments)");
            return 2;
        }

        try
        {
            return Execute(pipeline, input!, output!, deadLetterPath, latePath, maxLineLength, compose!, stdout, stderr);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The input cannot be read or an output cannot be written (missing directory, full disk, closed pipe).
            stderr.WriteLine($"reactive run {pipeline}: {ex.Message}");
            return 1;
        }
    }

    private static int Execute(
        string pipeline,
        string input,
        string output,
        string? deadLetterPath,
        string? latePath,
        int maxLineLength,
        Func<IRecordSource, CompositionOutputs, IObservable<ResultRow>> compose,
        TextWriter stdout,
        TextWriter stderr)
    {
        using var results = new JsonLinesWriter(output, stdout);
        using var deadLetters = deadLetterPath is null ? null : OpenWriter(deadLetterPath, stdout);
        using var late = latePath is null ? deadLetters : OpenWriter(latePath, stdout);
        var deadByCode = new SortedDictionary<string, long>(StringComparer.Ordinal);
        long lateRows = 0, rows = 0;

        void Dead(DeadLetter d)
        {
            deadByCode[d.Code] = deadByCode.GetValueOrDefault(d.Code) + 1;
            deadLetters?.WriteLine(DeadLetterJson(d));
        }

        void Late(DeadLetter d)
        {
            lateRows++;
            late?.WriteLine(DeadLetterJson(d));
        }

        // The file's bytes parsed straight into records (no string per line), the path the benchmark measures; a
        // composition that fails stops the reading before the next line.
        using var stop = new CancellationTokenSource();
        var records = new FileRecordSource(input, stop.Token, maxLineLength);
        Exception? failure = null;
        using (compose(records, new CompositionOutputs(Dead, Late)).Subscribe(
            row =>
            {
                rows++;
                results.Write(row);
            },
            ex =>
            {
                failure = ex;
                stop.Cancel();
            }))
        {
        }

        var lines = records.Lines;
        if (failure is not null)
        {
            // Reported before the outputs are flushed, which may fail in turn.
            stderr.WriteLine($"reactive run {pipeline}: failed after {lines} lines: {failure.Message}");
            foreach (var (option, argument) in OptionArguments)
            {
                if (failure.Message.Contains(option, StringComparison.Ordinal))
                {
                    stderr.WriteLine($"reactive run {pipeline}: {option} is {argument} here");
                }
            }
        }

        results.Flush();
        deadLetters?.Flush();
        late?.Flush();
        if (failure is not null)
        {
            return 1;
        }

        var dead = deadByCode.Values.Sum();
        var codes = deadByCode.Count == 0 ? "" : " (" + string.Join(", ", deadByCode.Select(kv => $"{kv.Key} {kv.Value}")) + ")";
        stderr.WriteLine($"reactive run {pipeline}: read {lines} lines, wrote {rows} results, {dead} dead letters{codes}, {lateRows} late rows");
        if (dead > 0 && deadLetterPath is null)
        {
            stderr.WriteLine("reactive run: give --dead-letters FILE to keep the rejected rows with their reasons");
        }

        return 0;
    }

    private static TextWriter OpenWriter(string path, TextWriter stdout) =>
        path == "-" ? new NonClosingWriter(stdout) : new StreamWriter(path, append: false, new UTF8Encoding(false)) { NewLine = "\n" };

    internal static string DeadLetterJson(DeadLetter d)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer, ResultRow.JsonLineOptions))
        {
            json.WriteStartObject();
            json.WriteString("source", d.Source);
            json.WriteNumber("line", d.LineNumber);
            json.WriteString("code", d.Code);
            json.WriteString("reason", d.Reason);
            json.WriteString("raw", d.Raw);
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static Func<IRecordSource, CompositionOutputs, IObservable<ResultRow>> SpreadFromArgs(ArgReader a)
    {
        var settings = new SpreadSettings(
            new SpreadOptions
            {
                WatermarkDelay = a.Duration("watermark", TimeSpan.Zero),
                IncludeLockedAndCrossed = !a.Flag("exclude-locked-crossed"),
                MaxPendingQuotes = (int)a.Long("max-pending-quotes", new SpreadOptions().MaxPendingQuotes, 1, int.MaxValue),
            },
            a.Zone("time-zone", "America/New_York"),
            a.Flag("quotes"));
        // A finite input: no idle timeout (the end of the input makes every window final).
        return (lines, outputs) => Compositions.Spread(lines, settings, ImmediateScheduler.Instance, outputs);
    }

    private static Func<IRecordSource, CompositionOutputs, IObservable<ResultRow>> AnomalyFromArgs(ArgReader a)
    {
        var options = new AnomalyOptions
        {
            Lookback = a.Duration("lookback", TimeSpan.FromDays(14), allowZero: false),
            MinHistory = (int)a.Long("min-history", 14, 2, 100_000),
            StandardDeviations = a.Double("stddevs", 2, double.Epsilon, 1000),
            EmitEvaluations = a.Flag("all"),
            MaxBaselineSize = (int)a.Long("max-baseline", 1_000, 2, 10_000_000),
        };
        if (options.MaxBaselineSize < options.MinHistory)
        {
            a.Errors.Add($"--max-baseline: {options.MaxBaselineSize} is less than --min-history ({options.MinHistory})");
        }

        var settings = new AnomalySettings(options, a.Zone("time-zone", "Etc/GMT+5"));
        return (lines, outputs) => Compositions.Anomaly(lines, settings, outputs);
    }

    private static Func<IRecordSource, CompositionOutputs, IObservable<ResultRow>> AggregateFromArgs(ArgReader a)
    {
        var input = a.String("input") ?? "";
        var formatText = a.String("format", input.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) ? "csv" : "jsonl")!;
        var format = formatText switch
        {
            "csv" => RowFormat.Csv,
            "jsonl" or "json" => RowFormat.JsonLines,
            _ => (RowFormat?)null,
        };
        if (format is null)
        {
            a.Errors.Add($"--format: '{formatText}' is not csv or jsonl");
        }

        var aggregates = new List<AggregateSpec>();
        foreach (var text in a.All("agg"))
        {
            if (AggregateSpec.TryParse(text, out var spec, out var error))
            {
                aggregates.Add(spec!);
            }
            else
            {
                a.Errors.Add($"--agg: {error}");
            }
        }

        if (a.All("agg").Count == 0)
        {
            a.Errors.Add("--agg: at least one aggregate is required, e.g. --agg count --agg \"avg(value)\"");
        }

        IReadOnlyList<DeclaredField>? schema = null;
        if (a.String("schema") is { } schemaText)
        {
            if (DeclaredField.TryParseList(schemaText, out var declared, out var schemaError))
            {
                schema = declared;
            }
            else
            {
                a.Errors.Add($"--schema: {schemaError}");
            }
        }

        var modeText = a.String("output-mode", "append")!;
        if (!Enum.TryParse<WindowOutputMode>(modeText, ignoreCase: true, out var mode) || !Enum.IsDefined(mode) || int.TryParse(modeText, out _))
        {
            a.Errors.Add($"--output-mode: '{modeText}' is not append, update or complete");
        }

        var settings = new AggregateSettings(
            format ?? RowFormat.JsonLines,
            !a.Flag("no-header"),
            a.String("time-field", required: true) ?? "",
            a.String("time-format", "iso")!,
            a.Zone("time-zone", "UTC"),
            a.All("group-by"),
            aggregates,
            a.Duration("window", TimeSpan.Zero, allowZero: false),
            a.OptionalDuration("slide"),
            a.Duration("start-offset", TimeSpan.Zero, allowNegative: true),
            a.Duration("watermark", TimeSpan.Zero),
            mode,
            TimeSpan.FromDays(365),
            null,
            schema);
        if (a.String("window") is null)
        {
            a.Errors.Add("--window: is required, e.g. --window \"10 seconds\"");
        }

        if (a.Errors.Count == 0)
        {
            try
            {
                // The window operator validates its options when composed (Spark's checks, with its
                // wording: slide > duration, |startOffset| >= slide, …).
                _ = Compositions.Aggregate(Observable.Empty<SourceLine>(), settings, new HistoricalScheduler(), new CompositionOutputs(_ => { }, _ => { }));
            }
            catch (ArgumentException ex)
            {
                a.Errors.Add($"--{ArgumentName(ex.ParamName)}: {ArgReader.CleanMessage(ex)}");
            }
        }

        // The one-shot input is one micro-batch: a scheduler that never runs means update and
        // complete modes emit once, at completion.
        var frozen = new HistoricalScheduler();
        return (lines, outputs) => Compositions.Aggregate(lines, settings, frozen, outputs);
    }

    private static string ArgumentName(string? parameter) => parameter switch
    {
        "WindowDuration" => "window",
        "SlideDuration" => "slide",
        "StartOffset" => "start-offset",
        "WatermarkDelay" => "watermark",
        "Schema" => "schema",
        _ => "agg",
    };

    private sealed class NonClosingWriter(TextWriter inner) : TextWriter
    {
        public override Encoding Encoding => inner.Encoding;

        public override void Write(char value) => inner.Write(value);

        public override void Write(string? value) => inner.Write(value);

        public override void WriteLine(string? value) => inner.Write(value + "\n");

        public override void Flush() => inner.Flush();
    }
}

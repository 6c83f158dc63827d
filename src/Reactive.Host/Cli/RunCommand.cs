using System.Reactive.Concurrency;
using System.Runtime.InteropServices;
using System.Reactive.Linq;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Reactive.Host.Analytics;
using Reactive.Host.Kinds;
using Reactive.Host.Settings;
using Reactive.Operators;
using Reactive.Operators.DeadLetters;
using Reactive.Operators.Parsing;

namespace Reactive.Host.Cli;

/// <summary>
/// <c>reactive run &lt;pipeline&gt; --input FILE --output FILE</c>: a finite input processed as fast as
/// possible through the same compositions the service runs, results written as JSON lines, exit 0
/// at the end. Each input file is one micro-batch (a single file is Spark's <c>Trigger.Once</c>: nothing in it is
/// late); the micro-batch kinds write each batch's progress to standard error. The file is parsed from its bytes (<see cref="FileRecordSource"/>);
/// the service parses its sources' lines (<see cref="LineRecordSource"/>); the operators after the parser are the same.
/// </summary>
internal static class RunCommand
{
    /// <summary>The lines of the usage every <c>run</c> help starts with (each kind's options follow, made from its binding table).</summary>
    public static string Usage { get; } = MakeUsage();

    private static string MakeUsage()
    {
        var text = new StringBuilder("""
              reactive run KIND --input FILE|DIR [--input FILE …] --output FILE [--dead-letters FILE] [--late FILE]
                                [--max-line-length N] [--max-dead-letters N] [settings of the kind]
            --input - reads standard input, --output - writes to standard output. Each input file is one micro-batch, in
            the order given (a directory: its files in name order, those starting with . or _ left out). Durations: "10 seconds", "5 minutes",
            "1 hour", or 00:00:10. Each setting is also the key Pipelines:NAME:Options:KEY of a pipeline of that kind.

            """);
        foreach (var kind in PipelineKinds.All.Where(k => k.OneShot))
        {
            text.Append(CultureInfo.InvariantCulture, $"  reactive run {kind.Name} --input FILE --output FILE: {kind.Summary}\n");
        }

        return text.ToString();
    }

    /// <summary>The files and bounds of a run (not settings of a kind): <c>--input</c>, <c>--output</c>, … .</summary>
    private sealed class RunFiles
    {
        public IReadOnlyList<string> Inputs { get; set; } = [];

        public string? Output { get; set; }

        public string? DeadLetters { get; set; }

        public string? Late { get; set; }

        public int MaxLineLength { get; set; } = LineParsing.DefaultMaxLineLength;

        public long? MaxDeadLetters { get; set; }
    }

    private static readonly SettingsTable<RunFiles> Files = new SettingsTable<RunFiles>()
        .List("Input", "input", t => ((string?)t, (string?)null), (o, v) => o.Inputs = v)
        .Text("Output", "output", (o, v) => o.Output = v)
        .Text("DeadLetters", "dead-letters", (o, v) => o.DeadLetters = v)
        .Text("Late", "late", (o, v) => o.Late = v)
        .Int("MaxLineLength", "max-line-length", (o, v) => o.MaxLineLength = v, 1, int.MaxValue - 64)
        .Long("MaxDeadLetters", "max-dead-letters", (o, v) => o.MaxDeadLetters = v, 0);

    private static readonly Dictionary<string, (string HelpName, string Description)> FileHelp = new(StringComparer.Ordinal)
    {
        ["--input"] = ("FILE|DIR", "what to read (- : standard input); repeat for more files, each one micro-batch"),
        ["--output"] = ("FILE", "where the results go, as JSON lines (- : standard output)"),
        ["--dead-letters"] = ("FILE", "where rejected rows go, each with its reason"),
        ["--late"] = ("FILE", "where rows behind the watermark go (default: with the dead letters)"),
        ["--max-line-length"] = ("N", $"a longer line is a dead letter (default {LineParsing.DefaultMaxLineLength})"),
        ["--max-dead-letters"] = ("N", "stop with exit 4 past this many rejected rows (default: 1 % of the lines, at least 1000; or every row)"),
    };

    /// <summary><c>reactive run</c> and one subcommand per one-shot kind, its options made from the kind's binding table.</summary>
    public static CliCommand Create(TextWriter stdout, TextWriter stderr)
    {
        var run = new CliCommand("run", "reactive run", Usage)
        {
            Description = "Runs a pipeline kind over a finite input (files or standard input) and exits.",
            SubcommandNoun = "pipeline",
        };
        foreach (var kind in PipelineKinds.All.Where(k => k.OneShot))
        {
            var command = new CliCommand(kind.Name, "reactive run", Usage) { Description = kind.Summary };
            var files = CliOptions.From(Files.Arguments, "").ToList();
            foreach (var option in files)
            {
                (option.HelpName, option.Description) = FileHelp[option.Name];
            }

            files.First(o => o.Name == "--output").Aliases.Add("-o");
            CliOptions.AddTo(command, files);
            CliOptions.AddTo(command, CliOptions.From(kind.Arguments, "Pipelines:NAME:Options:"));
            command.SetAction(result => Run(kind, new ArgSettingSource(result), stdout, stderr));
            run.Subcommands.Add(command);
        }

        return run;
    }

    private static int Run(IPipelineKind kind, ArgSettingSource a, TextWriter stdout, TextWriter stderr)
    {
        var pipeline = kind.Name;
        var given = Files.Bind(a, new RunFiles());
        var inputs = given.Inputs;
        var input = inputs.Count > 0 ? inputs[0] : null;
        var output = given.Output ?? kind.DefaultOutput;
        var deadLetterPath = given.DeadLetters;
        var latePath = given.Late;
        var maxLineLength = given.MaxLineLength;
        var maxDeadLetters = given.MaxDeadLetters;
        var options = kind.Bind(a, input);

        var files = new List<string>();
        if (input is null)
        {
            a.Error("input", "is required");
        }

        foreach (var path in inputs)
        {
            if (path == "-")
            {
                if (inputs.Count > 1)
                {
                    a.Error("input", "- (standard input) cannot be read with other inputs");
                }

                files.Add(path);
            }
            else if (Directory.Exists(path))
            {
                // Spark's file source leaves out names starting with . or _ (hidden files, _SUCCESS markers).
                files.AddRange(Directory.EnumerateFiles(path)
                    .Where(f => Path.GetFileName(f) is var name && !name.StartsWith('.') && !name.StartsWith('_'))
                    .Order(StringComparer.Ordinal));
            }
            else if (File.Exists(path))
            {
                files.Add(path);
            }
            else
            {
                a.Error("input", $"'{path}' does not exist");
            }
        }

        if (output is null)
        {
            a.Error("output", "is required");
        }

        // An output that is the input (also through a link), or two outputs that are one file, would destroy data.
        var inputFiles = files.Where(f => f != "-").Select(StagedFile.Identity).ToHashSet();
        var outputs = new List<(string Arg, string File)>();
        foreach (var (arg, path) in new[] { ("output", output), ("dead-letters", deadLetterPath), ("late", latePath) })
        {
            if (path is null or "-")
            {
                continue;
            }

            var file = StagedFile.Identity(path);
            if (inputFiles.Contains(file))
            {
                a.Error(arg, $"'{path}' is the input file: it would be overwritten (write the results elsewhere)");
            }
            else if (outputs.FirstOrDefault(o => o.File == file) is { Arg: { } other })
            {
                a.Error(arg, $"'{path}' is also --{other}: give each output its own file");
            }

            outputs.Add((arg, file));
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

        IObservable<ResultBatch> Compose(IRecordSource records, CompositionOutputs outputs) =>
            kind.Compose(records, options, new ComposeContext(new HistoricalScheduler(), OneShot: true, outputs));

        try
        {
            return Execute(pipeline, files, output!, deadLetterPath, latePath, maxLineLength, maxDeadLetters, Compose, kind.SettingFor, stdout, stderr);
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
        IReadOnlyList<string> inputs,
        string output,
        string? deadLetterPath,
        string? latePath,
        int maxLineLength,
        long? maxDeadLetters,
        Func<IRecordSource, CompositionOutputs, IObservable<ResultBatch>> compose,
        Func<string, SettingName?> setting,
        TextWriter stdout,
        TextWriter stderr)
    {
        // Every output is written under a temporary name and renamed at the end: whole lines only, never a half file
        // under the final name (a killed run leaves its final files as they were).
        // A signal (SIGTERM, Ctrl+C) stops the reading before the next line; registered before any output exists.
        using var stop = new CancellationTokenSource();
        PosixSignal? stoppedBy = null;
        using var signals = OnSignals(signal =>
        {
            stoppedBy ??= signal;
            stop.Cancel();
        });
        var staged = new List<StagedFile>();
        var writers = new List<IDisposable>();
        StagedFile? Stage(string? path)
        {
            if (path is null or "-")
            {
                return null;
            }

            var file = new StagedFile(path);
            staged.Add(file);
            return file;
        }

        try
        {
            var resultsFile = Stage(output);
            var results = new JsonLinesWriter(resultsFile?.Stream, stdout);
            var resultsShareStdout = resultsFile is null;
            writers.Add(results);
            var deadLettersFile = Stage(deadLetterPath);
            var deadLetters = deadLetterPath is null ? null : OpenWriter(deadLettersFile, stdout);
            var lateFile = Stage(latePath);
            var late = latePath is null ? deadLetters : OpenWriter(lateFile, stdout);
            writers.AddRange(new IDisposable?[] { deadLetters, late }.OfType<IDisposable>().Distinct());
            var deadByCode = new SortedDictionary<string, long>(StringComparer.Ordinal);
            var nulledByCode = new SortedDictionary<string, long>(StringComparer.Ordinal);
            long lateRows = 0, rows = 0, dead = 0;
            var tooManyDeadLetters = false;

            // The file's bytes parsed straight into records (no string per line), the path the benchmark measures; a
            // composition that fails, a signal or too many dead letters stop the reading before the next line.

            void Dead(DeadLetter d)
            {
                dead++;
                deadByCode[d.Code] = deadByCode.GetValueOrDefault(d.Code) + 1;
                if (deadLetters is not null && resultsShareStdout && deadLettersFile is null)
                {
                    // Both on standard output: the rows before this line first.
                    results.WriteHeld();
                }

                deadLetters?.WriteLine(DeadLetterJson(d));
                if (!tooManyDeadLetters && dead > (maxDeadLetters ?? Math.Max(DefaultDeadLetterFloor, d.LineNumber / 100)))
                {
                    tooManyDeadLetters = true;
                    stop.Cancel();
                }
            }

            void Late(DeadLetter d)
            {
                lateRows++;
                if (late is not null && resultsShareStdout && (latePath is null ? deadLettersFile : lateFile) is null)
                {
                    results.WriteHeld();
                }

                late?.WriteLine(DeadLetterJson(d));
            }

            // Rows for standard output are gathered and written before each read of the input: one write for what a
            // read made, where one a row made `reactive run spread --quotes --output -` twice as slow as into a file,
            // and a row typed into --input - still shows before the next line is waited for.
            var records = new FileRecordSource(inputs, stop.Token, maxLineLength) { BeforeRead = resultsShareStdout ? results.WriteHeld : null };

            // On a terminal, a bar of the bytes read (of the files' total), rows/s and time left; nothing in a pipe.
            long? totalBytes = inputs.Contains(FileRecordSource.StandardInput) ? null : inputs.Sum(f => new FileInfo(f).Length);
            using var bar = TerminalProgress.StartIfTerminal(stderr, $"reactive run {pipeline}", totalBytes, () => (records.Counts.Bytes, records.Counts.Rows));
            Exception? failure = null;
            long batches = 0;
            Progress.PeriodAverage? lastHour = null;
            string? report = null;
            void Nulled(DeadLetterReason field) => nulledByCode[field.Code] = nulledByCode.GetValueOrDefault(field.Code) + 1;

            using (compose(records, new CompositionOutputs(Dead, Late, FieldNulled: Nulled)).Subscribe(
                batch =>
                {
                    foreach (var row in batch.Rows)
                    {
                        rows++;
                        results.Write(row);
                    }

                    if (batch.Progress is { } progress)
                    {
                        // Spark's StreamingQueryProgress of each micro-batch, one line each.
                        batches++;
                        var line = $"reactive run {pipeline}: {BatchLine(batch)}";
                        if (resultsShareStdout)
                        {
                            // A terminal shows stdout and stderr together: the batch's rows before its line.
                            results.WriteHeld();
                        }

                        if (bar is null)
                        {
                            stderr.WriteLine(line);
                        }
                        else
                        {
                            bar.WriteLine(line);
                        }
                    }

                    lastHour = batch.LastHourAverage ?? lastHour;
                    report = batch.Summary ?? report;
                },
                ex =>
                {
                    failure = ex;
                    stop.Cancel();
                }))
            {
            }

            bar?.Dispose(); // the bar's line cleared before the summary
            if (resultsShareStdout && failure is null)
            {
                // The rows before the summary (a failure is reported first: writing them may fail in turn).
                results.WriteHeld();
            }

            var lines = records.Lines;
            if (failure is not null)
            {
                // Reported before the outputs are flushed, which may fail in turn. The outputs are not kept.
                stderr.WriteLine($"reactive run {pipeline}: failed after {lines} lines: {failure.Message}");
                if (failure is BoundExceededException bound && setting(bound.OptionName) is { Arg: { } arg })
                {
                    stderr.WriteLine($"reactive run {pipeline}: {bound.OptionsType}.{bound.OptionName} is --{arg} here");
                }

                return 1;
            }

            // Writers flush whole lines into their files as they close; then each file gets its final name.
            Close(writers);
            foreach (var file in staged)
            {
                file.Commit();
            }

            static string Codes(SortedDictionary<string, long> counts) => counts.Count == 0 ? "" : " (" + string.Join(", ", counts.Select(kv => $"{kv.Key} {kv.Value}")) + ")";
            var nulled = nulledByCode.Count == 0 ? "" : $", {nulledByCode.Values.Sum()} nulled fields{Codes(nulledByCode)}";
            var summary = $"reactive run {pipeline}: read {lines} lines{(inputs.Count > 1 ? $" from {inputs.Count} files" : "")}, wrote {rows} results{(batches > 0 ? $" in {batches} batches" : "")}, {dead} dead letters{Codes(deadByCode)}, {lateRows} late rows{nulled}";
            if (stoppedBy is { } signal)
            {
                stderr.WriteLine($"{summary}; stopped by {signal} (the outputs hold whole lines up to there)");
                return signal == PosixSignal.SIGINT ? 130 : 143;
            }

            stderr.WriteLine(summary);
            if (lastHour is not null)
            {
                stderr.WriteLine($"reactive run {pipeline}: {LastHourLine(lastHour)}");
            }

            if (report is not null)
            {
                stderr.WriteLine(report);
            }

            if (tooManyDeadLetters)
            {
                stderr.WriteLine(maxDeadLetters is { } max
                    ? $"reactive run {pipeline}: stopped: more than --max-dead-letters {max} rows were rejected"
                    : $"reactive run {pipeline}: stopped: more than {DefaultDeadLetterFloor} rows and 1 % of the lines were rejected (is it the right input? --max-dead-letters N allows more)");
                return ExitTooManyDeadLetters;
            }

            // Without a bound of the user's, a wrong input (every row rejected) fails however short it is.
            if (maxDeadLetters is null && dead > 0 && dead >= lines - records.Skipped)
            {
                stderr.WriteLine($"reactive run {pipeline}: every row was rejected: is it the right input for {pipeline}? (--max-dead-letters N allows it)");
                return ExitTooManyDeadLetters;
            }

            if (dead > 0 && deadLetterPath is null)
            {
                stderr.WriteLine("reactive run: give --dead-letters FILE to keep the rejected rows with their reasons");
            }

            return 0;
        }
        finally
        {
            Close(writers);
            foreach (var file in staged)
            {
                file.Dispose();
            }
        }
    }

    /// <summary>One batch's progress as a line: <c>batch 0: 3 input rows, event time 19:39:27 … 19:39:56, watermark none → none, 3 state rows (3 updated, 0 dropped by watermark), 0 results</c>.</summary>
    internal static string BatchLine(ResultBatch batch)
    {
        var p = batch.Progress!;
        var results = batch.Rows.Count;
        static string Time(long? ticks) => ticks is { } t && t != long.MinValue ? ResultRow.FormatTime(new DateTimeOffset(t, TimeSpan.Zero)) : "none";
        var kind = batch.FinalBatch ? " (end of input)" : batch.NoDataBatch ? " (no data)" : "";
        var times = p.EventTimeMinTicks is null ? "" : $", event time {Time(p.EventTimeMinTicks)} … {Time(p.EventTimeMaxTicks)}";
        return string.Create(CultureInfo.InvariantCulture,
            $"batch {p.BatchId}{kind}: {p.NumInputRows} input rows{times}, watermark {Time(p.WatermarkTicks)} → {Time(p.NextWatermarkTicks)}, {p.NumRowsTotal} state rows ({p.NumRowsUpdated} updated, {p.NumRowsDroppedByWatermark} dropped by watermark), {results} results");
    }

    /// <summary>The last hour's averages as a line: <c>last hour [2021-01-04T04:00:00Z, 2021-01-04T05:00:00Z): 360 rows, euro_rate 29440.5, …</c>.</summary>
    internal static string LastHourLine(Progress.PeriodAverage hour) =>
        string.Create(CultureInfo.InvariantCulture, $"last hour [{ResultRow.FormatTime(hour.From)}, {ResultRow.FormatTime(hour.To)}): {hour.Rows} rows, ")
        + string.Join(", ", hour.Averages.Select(a => string.Create(CultureInfo.InvariantCulture, $"{a.Key} {(a.Value is { } v ? v.ToString(CultureInfo.InvariantCulture) : "null")}")));

    private static void Close(List<IDisposable> writers)
    {
        foreach (var writer in writers)
        {
            writer.Dispose();
        }

        writers.Clear();
    }

    /// <summary>Calls <paramref name="stop"/> on SIGTERM or SIGINT (Ctrl+C) instead of letting the process die mid-line.</summary>
    private static IDisposable OnSignals(Action<PosixSignal> stop) =>
        new System.Reactive.Disposables.CompositeDisposable(new[] { PosixSignal.SIGTERM, PosixSignal.SIGINT }.Select(signal => PosixSignalRegistration.Create(signal, context =>
        {
            context.Cancel = true;
            stop(context.Signal);
        })));

    private static TextWriter OpenWriter(StagedFile? file, TextWriter stdout) =>
        file is null ? new NonClosingWriter(stdout) : new StreamWriter(file.Stream, new UTF8Encoding(false), bufferSize: 64 * 1024, leaveOpen: true) { NewLine = "\n" };

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

    /// <summary>Without <c>--max-dead-letters</c>: a run stops once more than this many rows, and more than 1 % of the lines read, were rejected.</summary>
    internal const long DefaultDeadLetterFloor = 1_000;

    /// <summary>The exit code of a run stopped for too many rejected rows.</summary>
    internal const int ExitTooManyDeadLetters = ExitCodes.TooManyDeadLetters;

    private sealed class NonClosingWriter(TextWriter inner) : TextWriter
    {
        public override Encoding Encoding => inner.Encoding;

        public override void Write(char value) => inner.Write(value);

        public override void Write(string? value) => inner.Write(value);

        public override void WriteLine(string? value) => inner.Write(value + "\n");

        public override void Flush() => inner.Flush();
    }
}

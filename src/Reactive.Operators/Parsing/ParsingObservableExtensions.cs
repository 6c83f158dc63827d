using System.Reactive.Linq;
using Reactive.Operators.DeadLetters;

namespace Reactive.Operators.Parsing;

/// <summary>Rx operators that parse lines of text into typed rows, sending bad lines to a dead-letter observer.</summary>
public static class ParsingObservableExtensions
{
    /// <summary>Parses BBO quote lines; headers and blank lines are skipped, bad lines become dead letters.</summary>
    public static IObservable<BboQuote> ParseBbo(this IObservable<string> lines, BboParserOptions? options, IObserver<DeadLetter> deadLetters)
    {
        options ??= new BboParserOptions();
        options.Validate();
        return lines.ParseLines(() => new BboParser(options), options.SourceName, deadLetters);
    }

    /// <summary>Parses hourly price lines (<c>date,hour,hoep</c>); headers and blank lines are skipped, bad lines become dead letters.</summary>
    public static IObservable<HourlyPrice> ParseHourlyPrices(this IObservable<string> lines, HourlyPriceParserOptions? options, IObserver<DeadLetter> deadLetters)
    {
        options ??= new HourlyPriceParserOptions();
        options.Validate();
        return lines.ParseLines(() => new HourlyPriceParser(options), options.SourceName, deadLetters);
    }

    /// <summary>Parses CSV lines with a schema; bad lines become dead letters.</summary>
    public static IObservable<Row> ParseCsv(this IObservable<string> lines, CsvRowParserOptions options, IObserver<DeadLetter> deadLetters)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return lines.ParseLines(() => new CsvRowParser(options), options.SourceName, deadLetters);
    }

    /// <summary>Parses JSON lines with a schema; bad lines become dead letters.</summary>
    public static IObservable<Row> ParseJsonLines(this IObservable<string> lines, JsonLinesRowParserOptions options, IObserver<DeadLetter> deadLetters)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return lines.ParseLines(() => new JsonLinesRowParser(options), options.SourceName, deadLetters);
    }

    /// <summary>
    /// Parses lines with a parser made per subscription (parsers are stateful). Lines are numbered from 1
    /// per subscription, headers included. A parser that throws ends the sequence with OnError.
    /// </summary>
    public static IObservable<T> ParseLines<T>(this IObservable<string> lines, Func<ILineParser<T>> parserFactory, string source, IObserver<DeadLetter> deadLetters)
    {
        ArgumentNullException.ThrowIfNull(lines);
        ArgumentNullException.ThrowIfNull(parserFactory);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(deadLetters);
        return Observable.Create<T>(observer =>
        {
            var parser = parserFactory() ?? throw new InvalidOperationException("The parser factory returned null.");
            // Lines are numbered by the observer as they come (lineNumber: null).
            return lines.Subscribe(new RecordParseObserver<string, T>(new ValuesOnly<T>(observer), parser, static line => line, _ => source, null, deadLetters, null));
        });
    }

    /// <summary>
    /// Parses lines that carry their own origin and line number (a source's line record), so dead letters
    /// name the real file and line even after a resume. Each row goes on with its <see cref="LinePosition"/> (the
    /// line's text kept by reference), so what turns it away further down, on any thread or scheduler, names its line
    /// (<see cref="LinePositionExtensions.ToDeadLetter(LinePosition, string, string, ReadOnlySpan{char})"/>).
    /// A parser that throws ends the sequence with OnError.
    /// </summary>
    /// <param name="lines">The lines.</param>
    /// <param name="text">The text of a line.</param>
    /// <param name="origin">Where a line came from (written into its dead letter and its rows' positions).</param>
    /// <param name="lineNumber">The 1-based line number of a line.</param>
    /// <param name="parserFactory">Makes the (stateful) parser of one subscription.</param>
    /// <param name="deadLetters">Receives the rejected lines.</param>
    public static IObservable<Located<T>> ParseLines<TLine, T>(
        this IObservable<TLine> lines,
        Func<TLine, string> text,
        Func<TLine, string> origin,
        Func<TLine, long> lineNumber,
        Func<ILineParser<T>> parserFactory,
        IObserver<DeadLetter> deadLetters) =>
        ParseLines(lines, text, origin, lineNumber, parserFactory, deadLetters, skipped: null);

    /// <summary>
    /// <see cref="ParseLines{TLine, T}(IObservable{TLine}, Func{TLine, string}, Func{TLine, string}, Func{TLine, long}, Func{ILineParser{T}}, IObserver{DeadLetter})"/>,
    /// telling <paramref name="skipped"/> of each line the parser skipped (a blank line or a header), so that a caller
    /// can account for every line: each one is a row, a dead letter or a skipped line.
    /// </summary>
    /// <param name="lines">The lines.</param>
    /// <param name="text">The text of a line.</param>
    /// <param name="origin">Where a line came from (written into its dead letter and its rows' positions).</param>
    /// <param name="lineNumber">The 1-based line number of a line.</param>
    /// <param name="parserFactory">Makes the (stateful) parser of one subscription.</param>
    /// <param name="deadLetters">Receives the rejected lines.</param>
    /// <param name="skipped">Receives the skipped lines, or null.</param>
    public static IObservable<Located<T>> ParseLines<TLine, T>(
        this IObservable<TLine> lines,
        Func<TLine, string> text,
        Func<TLine, string> origin,
        Func<TLine, long> lineNumber,
        Func<ILineParser<T>> parserFactory,
        IObserver<DeadLetter> deadLetters,
        IObserver<SkippedLine>? skipped)
    {
        ArgumentNullException.ThrowIfNull(lines);
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(origin);
        ArgumentNullException.ThrowIfNull(lineNumber);
        ArgumentNullException.ThrowIfNull(parserFactory);
        ArgumentNullException.ThrowIfNull(deadLetters);
        return Observable.Create<Located<T>>(observer =>
        {
            var parser = parserFactory() ?? throw new InvalidOperationException("The parser factory returned null.");
            return lines.Subscribe(new RecordParseObserver<TLine, T>(observer, parser, text, origin, lineNumber, deadLetters, skipped));
        });
    }

    /// <summary>Passes on the rows without their positions (the overload whose callers never asked for them).</summary>
    private sealed class ValuesOnly<T>(IObserver<T> downstream) : IObserver<Located<T>>
    {
        public void OnNext(Located<T> value) => downstream.OnNext(value.Value);

        public void OnError(Exception error) => downstream.OnError(error);

        public void OnCompleted() => downstream.OnCompleted();
    }

    /// <summary>Parses each line; <paramref name="lineNumber"/> null numbers the lines from 1 as they come.</summary>
    private sealed class RecordParseObserver<TLine, T>(
        IObserver<Located<T>> downstream,
        ILineParser<T> parser,
        Func<TLine, string> text,
        Func<TLine, string> origin,
        Func<TLine, long>? lineNumber,
        IObserver<DeadLetter> deadLetters,
        IObserver<SkippedLine>? skipped) : IObserver<TLine>
    {
        private long _count;
        private bool _stopped;

        public void OnNext(TLine value)
        {
            if (_stopped)
            {
                return;
            }

            _count++;
            ParseStatus status;
            T row;
            string line;
            string source = string.Empty;
            long number = 0;
            DeadLetter? letter = null;
            SkippedLine? skip = null;
            try
            {
                line = text(value) ?? string.Empty;
                status = parser.Parse(line.AsSpan(), out row, out var reason);
                if (status != ParseStatus.Skipped || skipped is not null)
                {
                    source = origin(value) ?? string.Empty;
                    number = lineNumber is null ? _count : lineNumber(value);
                }

                if (status == ParseStatus.Rejected)
                {
                    letter = reason.ToDeadLetter(source, number, line.AsSpan());
                }
                else if (status == ParseStatus.Skipped && skipped is not null)
                {
                    skip = new SkippedLine(source, number, SkippedLine.IsBlank(line.AsSpan()) ? SkipReason.Blank : SkipReason.Header);
                }
            }
            catch (Exception e)
            {
                _stopped = true;
                downstream.OnError(e);
                return;
            }

            if (status == ParseStatus.Parsed)
            {
                downstream.OnNext(new Located<T>(row, new LinePosition(source, number, line)));
            }
            else if (letter is not null)
            {
                deadLetters.OnNext(letter);
            }
            else if (skip is { } s)
            {
                skipped!.OnNext(s);
            }
        }

        public void OnError(Exception error)
        {
            if (!_stopped)
            {
                _stopped = true;
                downstream.OnError(error);
            }
        }

        public void OnCompleted()
        {
            if (!_stopped)
            {
                _stopped = true;
                downstream.OnCompleted();
            }
        }
    }
}

/// <summary>Why a parser skipped a line (<see cref="ParseStatus.Skipped"/>).</summary>
public enum SkipReason
{
    /// <summary>The line is empty or only spaces and tabs.</summary>
    Blank,

    /// <summary>The line is a header (the first, or one repeated, e.g. at the start of each file of a concatenation).</summary>
    Header,
}

/// <summary>A line the parser skipped by design, for callers that account for every line.</summary>
/// <param name="Origin">Where the line came from.</param>
/// <param name="LineNumber">Its 1-based number.</param>
/// <param name="Reason">Blank or header.</param>
public readonly record struct SkippedLine(string Origin, long LineNumber, SkipReason Reason)
{
    /// <summary>
    /// Whether a skipped line is blank (as every parser reads blank: only spaces and tabs before the line end);
    /// any other skipped line is a header.
    /// </summary>
    public static bool IsBlank(ReadOnlySpan<char> line) => line.TrimEnd("\r\n").IndexOfAnyExcept(' ', '\t') < 0;

    /// <inheritdoc cref="IsBlank(ReadOnlySpan{char})"/>
    public static bool IsBlank(ReadOnlySpan<byte> line) => line.TrimEnd("\r\n"u8).IndexOfAnyExcept((byte)' ', (byte)'\t') < 0;
}

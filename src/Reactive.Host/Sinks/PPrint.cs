using System.Globalization;
using System.Text;

namespace Reactive.Host.Sinks;

/// <summary>
/// Spark Streaming's <c>DStream.pprint()</c> layout, to the character: a rule of 43 dashes,
/// <c>Time: yyyy-MM-dd HH:mm:ss</c> (Python's <c>str(datetime)</c>), a rule, up to <c>num</c>
/// records in Python's <c>repr</c>, <c>...</c> when there are more, then an empty line.
/// </summary>
internal static class PPrint
{
    public const string Rule = "-------------------------------------------";

    public static string Format(DateTime localTime, IReadOnlyList<string> records, long total, int num = 10)
    {
        var sb = new StringBuilder();
        sb.Append(Rule).Append('\n');
        sb.Append("Time: ").Append(PythonStr(localTime)).Append('\n');
        sb.Append(Rule).Append('\n');
        for (var i = 0; i < records.Count && i < num; i++)
        {
            sb.Append(records[i]).Append('\n');
        }

        if (total > num)
        {
            sb.Append("...\n");
        }

        sb.Append('\n');
        return sb.ToString();
    }

    /// <summary>Python's <c>str(datetime)</c>: microseconds only when not zero.</summary>
    public static string PythonStr(DateTime time)
    {
        var micros = (time.Ticks % TimeSpan.TicksPerSecond) / 10;
        return micros == 0
            ? time.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)
            : time.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture);
    }

    /// <summary>Python 3's <c>repr(str)</c>: single quotes unless the text has a single quote and no double quote.</summary>
    public static string Repr(string value)
    {
        var quote = value.Contains('\'', StringComparison.Ordinal) && !value.Contains('"', StringComparison.Ordinal) ? '"' : '\'';
        var sb = new StringBuilder(value.Length + 2);
        sb.Append(quote);
        foreach (var c in value)
        {
            switch (c)
            {
                case '\\': sb.Append(@"\\"); break;
                case '\n': sb.Append(@"\n"); break;
                case '\r': sb.Append(@"\r"); break;
                case '\t': sb.Append(@"\t"); break;
                default:
                    if (c == quote)
                    {
                        sb.Append('\\').Append(c);
                    }
                    else if (c < 0x20 || c == 0x7f)
                    {
                        sb.Append(CultureInfo.InvariantCulture, $"\\x{(int)c:x2}");
                    }
                    else
                    {
                        sb.Append(c);
                    }

                    break;
            }
        }

        return sb.Append(quote).ToString();
    }

    /// <summary>Python's repr of a <c>(str, int)</c> tuple, as a word count record prints.</summary>
    public static string Tuple(string word, long count) => string.Create(CultureInfo.InvariantCulture, $"({Repr(word)}, {count})");

    /// <summary>Python's repr of a list of str, as <c>line.split(",")</c> prints.</summary>
    public static string List(IEnumerable<string> items) => "[" + string.Join(", ", items.Select(Repr)) + "]";
}

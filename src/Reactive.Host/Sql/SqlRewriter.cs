using System.Text;

namespace Reactive.Host.Sql;

/// <summary>
/// Turns the Spark SQL spellings the course uses into SQLite: <c>SPLIT(s, p)[i]</c> becomes
/// <c>split_at(s, p, i)</c> (SQLite has no <c>[]</c> operator), and <c>window.start</c>,
/// <c>window.end</c>, <c>time_window.start</c>, <c>time_window.end</c> become the columns
/// <c>window_start</c> and <c>window_end</c> (and so do the same fields of a pipeline's window alias, e.g.
/// <c>w.start</c> with <c>WindowAlias</c> <c>w</c>). It reads the text as SQLite's tokenizer does, so
/// nothing inside a string literal, a quoted identifier or a comment is changed.
/// </summary>
public static class SqlRewriter
{
    /// <summary>The names of a window column that are rewritten unless said otherwise: <c>window</c> and the course's alias <c>time_window</c>.</summary>
    public static readonly IReadOnlyCollection<string> DefaultWindowNames = ["window", "time_window"];

    /// <summary>Rewrites <paramref name="sql"/>.</summary>
    /// <param name="sql">The query.</param>
    /// <param name="rewriteWindowFields">Whether to rewrite <c>window.start</c> and the like (off when a table is named window or time_window).</param>
    public static string Rewrite(string sql, bool rewriteWindowFields = true) =>
        Rewrite(sql, rewriteWindowFields ? DefaultWindowNames : []);

    /// <summary>Rewrites <paramref name="sql"/>, reading <c>NAME.start</c> and <c>NAME.end</c> as window columns for each of <paramref name="windowNames"/>.</summary>
    /// <param name="sql">The query.</param>
    /// <param name="windowNames">The window column's names (case-insensitive); leave out a name that is also a table's.</param>
    public static string Rewrite(string sql, IReadOnlyCollection<string> windowNames)
    {
        ArgumentNullException.ThrowIfNull(sql);
        ArgumentNullException.ThrowIfNull(windowNames);
        var text = new StringBuilder(sql.Length + 16);
        Rewrite(sql, 0, sql.Length, windowNames, text);
        return text.ToString();
    }

    private static void Rewrite(string sql, int start, int end, IReadOnlyCollection<string> windowFields, StringBuilder text)
    {
        var i = start;
        while (i < end)
        {
            var c = sql[i];
            var skip = SkipLexeme(sql, i, end);
            if (skip > i)
            {
                text.Append(sql, i, skip - i);
                i = skip;
                continue;
            }

            if (IsIdentifierStart(c))
            {
                var wordEnd = i + 1;
                while (wordEnd < end && IsIdentifierPart(sql[wordEnd]))
                {
                    wordEnd++;
                }

                var word = sql.AsSpan(i, wordEnd - i);
                var afterDot = PreviousSignificant(sql, start, i) == '.';
                if (!afterDot && word.Equals("split", StringComparison.OrdinalIgnoreCase)
                    && TryRewriteSplit(sql, wordEnd, end, windowFields, text, out var next))
                {
                    i = next;
                    continue;
                }

                if (IsWindowName(word, windowFields)
                    && TryWindowField(sql, wordEnd, end, out var field, out var fieldEnd))
                {
                    text.Append("window_").Append(field);
                    i = fieldEnd;
                    continue;
                }

                text.Append(sql, i, wordEnd - i);
                i = wordEnd;
                continue;
            }

            if (char.IsAsciiDigit(c))
            {
                // A number such as 1e5 or 0x1F is copied whole so that its letters are not read as words.
                var numberEnd = i + 1;
                while (numberEnd < end && (IsIdentifierPart(sql[numberEnd]) || sql[numberEnd] == '.'))
                {
                    numberEnd++;
                }

                text.Append(sql, i, numberEnd - i);
                i = numberEnd;
                continue;
            }

            text.Append(c);
            i++;
        }
    }

    private static bool TryRewriteSplit(string sql, int wordEnd, int end, IReadOnlyCollection<string> windowFields, StringBuilder text, out int next)
    {
        next = wordEnd;
        var open = SkipSpace(sql, wordEnd, end);
        if (open >= end || sql[open] != '(')
        {
            return false;
        }

        var close = FindClosing(sql, open, end, '(', ')');
        if (close < 0)
        {
            return false;
        }

        var bracket = SkipSpace(sql, close + 1, end);
        if (bracket < end && sql[bracket] == '[')
        {
            var closeBracket = FindClosing(sql, bracket, end, '[', ']');
            if (closeBracket < 0)
            {
                return false;
            }

            text.Append("split_at(");
            Rewrite(sql, open + 1, close, windowFields, text);
            text.Append(", ");
            Rewrite(sql, bracket + 1, closeBracket, windowFields, text);
            text.Append(')');
            next = closeBracket + 1;
            return true;
        }

        text.Append(sql, wordEnd - 5, 5).Append('(');
        Rewrite(sql, open + 1, close, windowFields, text);
        text.Append(')');
        next = close + 1;
        return true;
    }

    private static bool IsWindowName(ReadOnlySpan<char> word, IReadOnlyCollection<string> names)
    {
        foreach (var name in names)
        {
            if (word.Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private static bool TryWindowField(string sql, int wordEnd, int end, out string field, out int fieldEnd)
    {
        field = string.Empty;
        fieldEnd = wordEnd;
        var dot = SkipSpace(sql, wordEnd, end);
        if (dot >= end || sql[dot] != '.')
        {
            return false;
        }

        var nameStart = SkipSpace(sql, dot + 1, end);
        var nameEnd = nameStart;
        while (nameEnd < end && IsIdentifierPart(sql[nameEnd]))
        {
            nameEnd++;
        }

        var name = sql.AsSpan(nameStart, nameEnd - nameStart);
        if (name.Equals("start", StringComparison.OrdinalIgnoreCase))
        {
            field = "start";
        }
        else if (name.Equals("end", StringComparison.OrdinalIgnoreCase))
        {
            field = "end";
        }
        else
        {
            return false;
        }

        fieldEnd = nameEnd;
        return true;
    }

    /// <summary>Finds the bracket closing the one at <paramref name="open"/>, skipping literals and comments; -1 when there is none.</summary>
    private static int FindClosing(string sql, int open, int end, char opening, char closing)
    {
        var depth = 0;
        var i = open;
        while (i < end)
        {
            var c = sql[i];
            if (c == opening)
            {
                depth++;
                i++;
                continue;
            }

            if (c == closing)
            {
                depth--;
                if (depth == 0)
                {
                    return i;
                }

                i++;
                continue;
            }

            // Inside an index, '[' is the index's own bracket (counted above), not a quoted identifier.
            var skip = opening == '[' && c == '[' ? i : SkipLexeme(sql, i, end);
            i = skip > i ? skip : i + 1;
        }

        return -1;
    }

    /// <summary>
    /// When a string literal, quoted identifier or comment starts at <paramref name="i"/>, returns the
    /// index after it (the end of input when it is not closed); otherwise returns <paramref name="i"/>.
    /// </summary>
    internal static int SkipLexeme(string sql, int i, int end)
    {
        var c = sql[i];
        switch (c)
        {
            case '\'':
            case '"':
            case '`':
                return SkipQuoted(sql, i, end, c);
            case '[':
                var close = sql.IndexOf(']', i + 1, end - i - 1);
                return close < 0 ? end : close + 1;
            case '-' when i + 1 < end && sql[i + 1] == '-':
                var newline = sql.IndexOf('\n', i, end - i);
                return newline < 0 ? end : newline + 1;
            case '/' when i + 1 < end && sql[i + 1] == '*':
                var closeComment = sql.IndexOf("*/", i + 2, end - i - 2, StringComparison.Ordinal);
                return closeComment < 0 ? end : closeComment + 2;
            default:
                return i;
        }
    }

    private static int SkipQuoted(string sql, int i, int end, char quote)
    {
        var j = i + 1;
        while (j < end)
        {
            if (sql[j] == quote)
            {
                if (j + 1 < end && sql[j + 1] == quote)
                {
                    j += 2;
                    continue;
                }

                return j + 1;
            }

            j++;
        }

        return end;
    }

    private static int SkipSpace(string sql, int i, int end)
    {
        while (i < end)
        {
            if (char.IsWhiteSpace(sql[i]))
            {
                i++;
                continue;
            }

            if ((sql[i] == '-' && i + 1 < end && sql[i + 1] == '-') || (sql[i] == '/' && i + 1 < end && sql[i + 1] == '*'))
            {
                i = SkipLexeme(sql, i, end);
                continue;
            }

            break;
        }

        return i;
    }

    private static char PreviousSignificant(string sql, int start, int i)
    {
        for (var j = i - 1; j >= start; j--)
        {
            if (!char.IsWhiteSpace(sql[j]))
            {
                return sql[j];
            }
        }

        return '\0';
    }

    private static bool IsIdentifierStart(char c) => char.IsAsciiLetter(c) || c == '_' || c > 127;

    private static bool IsIdentifierPart(char c) => char.IsAsciiLetterOrDigit(c) || c == '_' || c == '$' || c > 127;
}

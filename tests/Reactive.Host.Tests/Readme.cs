using System.Text;

namespace Reactive.Host.Tests;

/// <summary>
/// The repository's README.md (this file is also compiled into tests/Reactive.WalletSimulator.Tests), read by the tests that run what it shows: the commands of a section's <c>sh</c> blocks
/// (a command may go on over lines inside quotes; <c># comments</c> dropped) and its output blocks, as written.
/// </summary>
internal static class Readme
{
    /// <summary>
    /// The text of the section whose heading starts with <paramref name="heading"/>, up to the next heading of its level:
    /// in README.md, or else in one of the reference pages under docs/ (exactly one).
    /// </summary>
    public static string Section(string heading)
    {
        var root = RepositoryRoot();
        var found = new[] { Path.Combine(root, "README.md") }
            .Concat(Directory.EnumerateFiles(Path.Combine(root, "docs"), "*.md").Order(StringComparer.Ordinal))
            .Select(file => (File: Path.GetRelativePath(root, file), Text: SectionIn(File.ReadAllText(file).ReplaceLineEndings("\n"), heading)))
            .Where(f => f.Text is not null)
            .ToList();
        Assert.True(found.Count > 0, $"neither README.md nor a page of docs/ has a section '{heading}'");
        Assert.True(found.Count == 1 || found[0].File == "README.md", $"the section '{heading}' is in {string.Join(" and ", found.Select(f => f.File))}");
        return found[0].Text!;
    }

    /// <summary>The text of the section whose heading starts with <paramref name="heading"/> in <paramref name="file"/> (e.g. <c>docs/CLI.md</c>).</summary>
    public static string Section(string heading, string file)
    {
        var text = SectionIn(File.ReadAllText(Path.Combine(RepositoryRoot(), file)).ReplaceLineEndings("\n"), heading);
        Assert.True(text is not null, $"{file} has no section '{heading}'");
        return text;
    }

    /// <summary>The reference pages under docs/ with the text of each.</summary>
    public static IEnumerable<(string Name, string Text)> Docs() =>
        Directory.EnumerateFiles(Path.Combine(RepositoryRoot(), "docs"), "*.md").Order(StringComparer.Ordinal)
            .Select(file => (Path.GetFileName(file), File.ReadAllText(file).ReplaceLineEndings("\n")));

    private static string? SectionIn(string text, string heading)
    {
        // A heading on the first line counts too.
        text = "\n" + text;
        var start = text.IndexOf("\n" + heading, StringComparison.Ordinal);
        if (start < 0)
        {
            return null;
        }

        var level = heading[..(heading.IndexOf(' ', StringComparison.Ordinal) + 1)];
        var end = text.IndexOf("\n" + level, start + heading.Length, StringComparison.Ordinal);
        return end < 0 ? text[(start + 1)..] : text[(start + 1)..end];
    }

    /// <summary>The README's opening, before its first <c>##</c> heading (the two commands, the defaults, the first queries).</summary>
    public static string Top()
    {
        var text = File.ReadAllText(Path.Combine(RepositoryRoot(), "README.md")).ReplaceLineEndings("\n");
        var end = text.IndexOf("\n## ", StringComparison.Ordinal);
        return end < 0 ? text : text[..end];
    }

    /// <summary>The fenced blocks of <paramref name="section"/> in order: their language (empty for none) and text.</summary>
    public static List<(string Language, string Text)> Blocks(string section)
    {
        var blocks = new List<(string, string)>();
        var lines = section.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            if (!lines[i].StartsWith("```", StringComparison.Ordinal))
            {
                continue;
            }

            var language = lines[i][3..].Trim();
            var body = new StringBuilder();
            for (i++; i < lines.Length && !lines[i].StartsWith("```", StringComparison.Ordinal); i++)
            {
                body.Append(lines[i]).Append('\n');
            }

            blocks.Add((language, body.ToString()));
        }

        return blocks;
    }

    /// <summary>The commands of the <c>sh</c> blocks of <paramref name="section"/>, each as its words (quotes removed, as a shell reads them).</summary>
    public static List<string[]> Commands(string section) =>
        [.. Blocks(section).Where(b => b.Language == "sh").SelectMany(b => Words(b.Text))];

    /// <summary>Splits shell text into commands of words: single and double quotes, a newline inside quotes kept, a <c>#</c> comment outside them dropped.</summary>
    public static IEnumerable<string[]> Words(string text)
    {
        // A backslash at a line's end continues the command on the next line, as in a shell.
        text = text.Replace("\\\n", " ", StringComparison.Ordinal);
        var words = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        char? quote = null;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quote is { } q)
            {
                if (c == q)
                {
                    quote = null;
                }
                else
                {
                    word.Append(c);
                }

                continue;
            }

            switch (c)
            {
                case '"' or '\'':
                    quote = c;
                    inWord = true;
                    break;
                case '#' when !inWord:
                    while (i + 1 < text.Length && text[i + 1] != '\n')
                    {
                        i++;
                    }

                    break;
                case ' ' or '\t' or '\n':
                    if (inWord)
                    {
                        words.Add(word.ToString());
                        word.Clear();
                        inWord = false;
                    }

                    if (c == '\n' && words.Count > 0)
                    {
                        yield return [.. words];
                        words.Clear();
                    }

                    break;
                default:
                    word.Append(c);
                    inWord = true;
                    break;
            }
        }

        Assert.Null(quote);
        if (inWord)
        {
            words.Add(word.ToString());
        }

        if (words.Count > 0)
        {
            yield return [.. words];
        }
    }

    /// <summary>The <c>reactive</c> arguments of a <c>reactive ARGS</c> or <c>dotnet run --project src/Reactive.Host -- ARGS</c> command, or null for another command.</summary>
    public static string[]? ReactiveArguments(string[] command)
    {
        // The command the README's set-up gives (the script at the root, docs/CLI.md), as the README and docs write it.
        if (command is ["reactive" or "./reactive", .. var words])
        {
            return words;
        }

        string[] run = ["dotnet", "run", "--project", "src/Reactive.Host"];
        if (!command.Take(run.Length).SequenceEqual(run))
        {
            return null;
        }

        return command.Length == run.Length ? [] : command[run.Length] == "--" ? command[(run.Length + 1)..] : null;
    }

    /// <summary>The folder of Reactive.slnx, above the test's binaries.</summary>
    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Reactive.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Reactive.slnx not found above " + AppContext.BaseDirectory);
    }
}

using System.CommandLine;
using System.CommandLine.Parsing;
using Reactive.Host.Settings;

namespace Reactive.Host.Cli;

/// <summary>
/// A command of <c>reactive</c> (System.CommandLine): how its errors are prefixed (<c>reactive run: …</c>), what its
/// subcommands are called in an error (<c>unknown pipeline 'x'</c>) and the first lines of its help.
/// </summary>
internal sealed class CliCommand : Command
{
    private readonly Dictionary<Option, string> _missingValueHints = [];

    /// <param name="name">The command's word (<c>run</c>).</param>
    /// <param name="label">What its errors start with (<c>reactive run</c>).</param>
    /// <param name="usage">The first lines of its help, after <c>usage:</c>.</param>
    public CliCommand(string name, string label, string usage)
        : base(name)
    {
        Label = label;
        Usage = usage;
    }

    /// <summary>What its errors start with (<c>reactive run</c>).</summary>
    public string Label { get; }

    /// <summary>The lines of its help after <c>usage:</c>.</summary>
    public string Usage { get; }

    /// <summary>What its subcommands are (<c>pipeline</c>, <c>data kind</c>), for "unknown pipeline 'x'"; null when it has none.</summary>
    public string? SubcommandNoun { get; init; }

    /// <summary>Says what to give when <paramref name="option"/> is written without its value.</summary>
    public void HintWhenMissing(Option option, string hint) => _missingValueHints[option] = hint;

    /// <summary>The hint for <paramref name="option"/> written without its value, or null.</summary>
    public string? MissingValueHint(Option option) => _missingValueHints.GetValueOrDefault(option);
}

/// <summary>
/// The parser's options made from binding tables (<see cref="SettingArgument"/>): one option per setting that has an
/// argument, its value read back as text by the table itself (<see cref="ArgSettingSource"/>), so the command line and
/// configuration are read, checked and reported by the same rows.
/// </summary>
internal static class CliOptions
{
    /// <summary>The options of <paramref name="arguments"/>; each one's help names its configuration key under <paramref name="keyPrefix"/>.</summary>
    public static IEnumerable<Option> From(IEnumerable<SettingArgument> arguments, string keyPrefix) =>
        arguments.Select(a => From(a, keyPrefix));

    /// <summary>The option of one setting: a flag, a repeatable list, or one value.</summary>
    public static Option From(SettingArgument argument, string keyPrefix)
    {
        var name = "--" + (argument.Name.Arg ?? throw new ArgumentException($"{argument.Name.Key} has no command-line argument", nameof(argument)));
        Option option = argument.Name.IsFlag
            ? new Option<bool>(name) { Arity = ArgumentArity.Zero }
            : argument.Repeats
                ? new Option<string[]>(name) { Arity = ArgumentArity.OneOrMore, AllowMultipleArgumentsPerToken = false }
                : new Option<string>(name);
        option.HelpName = argument.HelpName;
        option.Description = $"= {keyPrefix}{argument.Name.Key}";
        if (argument.Choices is { } choices)
        {
            option.CompletionSources.Add([.. choices]);
        }

        return option;
    }

    /// <summary>Adds <paramref name="options"/> to <paramref name="command"/>, each name once (two tables may share one).</summary>
    public static void AddTo(Command command, IEnumerable<Option> options)
    {
        foreach (var option in options)
        {
            if (!command.Options.Any(o => o.Name == option.Name))
            {
                command.Options.Add(option);
            }
        }
    }

    /// <summary>
    /// Refuses an option's value that is another option of the command (<c>--pipelines --urls …</c>: the pipelines were
    /// forgotten), which the parser would otherwise take as the value; the error names the option that lacks its value.
    /// </summary>
    public static void RefuseOptionsAsValues(Command command, IEnumerable<Option>? inherited = null)
    {
        var recursive = (inherited ?? []).Concat(command.Options.Where(o => o.Recursive)).ToList();
        var names = command.Options.Concat(recursive).SelectMany(o => o.Aliases.Prepend(o.Name)).ToHashSet(StringComparer.Ordinal);
        foreach (var option in command.Options.Where(o => o.Arity.MaximumNumberOfValues > 0))
        {
            var hint = (command as CliCommand)?.MissingValueHint(option) ?? "needs a value";
            option.Validators.Add(result =>
            {
                if (result.Tokens.FirstOrDefault(t => names.Contains(t.Value)) is { } token)
                {
                    result.AddError($"{option.Name}: {hint} ({token.Value} is an option)");
                }
            });
        }

        foreach (var subcommand in command.Subcommands)
        {
            RefuseOptionsAsValues(subcommand, recursive);
        }
    }

    /// <summary>Parses <paramref name="args"/> with the options of <paramref name="arguments"/> (as a command does) into a setting source.</summary>
    public static ArgSettingSource Parse(IEnumerable<SettingArgument> arguments, params string[] args)
    {
        var command = new RootCommand();
        AddTo(command, From(arguments, ""));
        var result = command.Parse(args);
        if (result.Errors.Count > 0)
        {
            throw new ArgumentException(string.Join("; ", result.Errors.Select(e => e.Message)), nameof(args));
        }

        return new ArgSettingSource(result);
    }
}

/// <summary>Reports the parser's errors as lines that name the argument, with a suggestion for a misspelt word.</summary>
internal static class CliErrors
{
    /// <summary>Writes one line per error of <paramref name="result"/> to <paramref name="stderr"/>; returns the exit code 2.</summary>
    public static int Report(ParseResult result, TextWriter stderr)
    {
        var command = result.CommandResult.Command;
        var label = (command as CliCommand)?.Label ?? "reactive";
        var unmatched = result.UnmatchedTokens;

        // A word where a subcommand was expected decides which arguments exist: the only error worth reporting.
        if (command is CliCommand { SubcommandNoun: { } noun } && command.Subcommands.Count > 0
            && unmatched.FirstOrDefault() is { } word && !word.StartsWith('-')
            && result.Errors.All(e => e.SymbolResult is not OptionResult))
        {
            var names = command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name).ToList();
            stderr.WriteLine($"{label}: unknown {noun} '{word}' (one of: {string.Join(", ", names)}){Suggestions.Nearest(word, names)}");
            return ExitCodes.Usage;
        }

        var lines = new List<string>();
        for (var i = 0; i < unmatched.Count; i++)
        {
            var token = unmatched[i];
            if (i > 0 && unmatched[i - 1].StartsWith('-') && !token.StartsWith('-'))
            {
                continue; // the value of the unknown option before it
            }

            var path = string.Join(' ', Path(result.CommandResult).Skip(1));
            lines.Add(token.StartsWith('-')
                ? $"{token}: not an argument of '{(path.Length == 0 ? "reactive" : path)}'{Suggestions.Nearest(token, OptionNames(result.CommandResult))}"
                : $"unexpected word '{token}'{Suggestions.Nearest(token, command.Subcommands.Select(c => c.Name))}");
        }

        foreach (var error in result.Errors.Where(e => !unmatched.Any(t => e.Message.Contains($"'{t}'", StringComparison.Ordinal))))
        {
            if (error.SymbolResult is OptionResult { Tokens.Count: 0 } option && option.Option.Arity.MinimumNumberOfValues > 0)
            {
                var hint = (command as CliCommand)?.MissingValueHint(option.Option)
                    ?? (result.RootCommandResult.Command as CliCommand)?.MissingValueHint(option.Option);
                lines.Add($"{option.Option.Name}: {hint ?? "needs a value"}");
            }
            else if (error.SymbolResult is ArgumentResult { Tokens.Count: 0 } argument)
            {
                lines.Add($"give the {argument.Argument.Name} ({argument.Argument.Description})");
            }
            else if (error.SymbolResult is CommandResult && command.Subcommands.Count > 0 && command is CliCommand { SubcommandNoun: { } noun2 })
            {
                lines.Add($"which {noun2}? (one of: {string.Join(", ", command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name))})");
            }
            else if (error.SymbolResult is OptionResult && error.Message.StartsWith("--", StringComparison.Ordinal))
            {
                // A word after the option was its value by mistake: the option's error says it all.
                lines.Insert(0, error.Message);
                lines.RemoveAll(l => l.StartsWith("unexpected word", StringComparison.Ordinal));
            }
            else
            {
                lines.Add(error.Message);
            }
        }

        foreach (var line in lines.Distinct())
        {
            stderr.WriteLine($"{label}: {line}");
        }

        stderr.WriteLine($"({string.Join(' ', Path(result.CommandResult))} --help shows the arguments)");
        return ExitCodes.Usage;
    }

    private static IEnumerable<string> Path(CommandResult result)
    {
        var names = new Stack<string>();
        for (SymbolResult? r = result; r is not null; r = r.Parent)
        {
            if (r is CommandResult c)
            {
                names.Push(c.Command.Name);
            }
        }

        return names;
    }

    /// <summary>The options that apply to the command: its own and the recursive ones of its parents.</summary>
    private static IEnumerable<string> OptionNames(CommandResult result)
    {
        var options = result.Command.Options.ToList();
        for (var parent = result.Parent as CommandResult; parent is not null; parent = parent.Parent as CommandResult)
        {
            options.AddRange(parent.Command.Options.Where(o => o.Recursive));
        }

        return options.Where(o => !o.Hidden).SelectMany(o => o.Aliases.Prepend(o.Name));
    }
}

/// <summary>The exit codes of <c>reactive</c> (docs/CLI.md has the table).</summary>
internal static class ExitCodes
{
    /// <summary>Done.</summary>
    public const int Ok = 0;

    /// <summary>It failed (an input that cannot be read, a query the service refused, a pipeline that failed).</summary>
    public const int Failure = 1;

    /// <summary>A bad command line or configuration, or an address that is taken: nothing was started.</summary>
    public const int Usage = 2;

    /// <summary>The service <c>reactive sql</c> asks cannot be reached, or is not a Reactive service.</summary>
    public const int Unreachable = 3;

    /// <summary>A one-shot run rejected more rows than <c>--max-dead-letters</c> allows (it stopped there).</summary>
    public const int TooManyDeadLetters = 4;
}

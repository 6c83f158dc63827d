using System.CommandLine;
using System.CommandLine.Parsing;

namespace Reactive.Host.Settings;

/// <summary>
/// Settings read from the options of a parsed command (System.CommandLine's <see cref="ParseResult"/>, options made
/// from the binding tables by <see cref="Cli.CliOptions"/>), each option's text given back to the table that reads it;
/// errors that name the argument are collected instead of thrown. Unknown arguments never get here: the parser refuses them.
/// </summary>
internal sealed class ArgSettingSource : ISettingSource
{
    private readonly Dictionary<string, List<string>> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _flags = new(StringComparer.Ordinal);

    /// <param name="result">The parsed command line; the options of its command are read.</param>
    public ArgSettingSource(ParseResult result)
    {
        foreach (var option in result.CommandResult.Children.OfType<OptionResult>().Where(o => !o.Implicit))
        {
            var name = option.Option.Name.TrimStart('-');
            if (option.Option.Arity.MaximumNumberOfValues == 0)
            {
                _flags.Add(name);
                continue;
            }

            foreach (var token in option.Tokens)
            {
                Add(name, token.Value);
            }
        }
    }

    private void Add(string name, string value)
    {
        if (!_values.TryGetValue(name, out var list))
        {
            _values[name] = list = [];
        }

        list.Add(value);
    }

    /// <summary>Every error recorded so far, each naming its argument.</summary>
    public List<string> Errors { get; } = [];

    public bool Holds(SettingName name) => name.Arg is not null;

    public string? Text(SettingName name)
    {
        if (name.Arg is not { } arg)
        {
            return null;
        }

        if (name.IsFlag)
        {
            return _flags.Contains(arg) ? "true" : null;
        }

        return _values.GetValueOrDefault(arg)?.LastOrDefault()?.Trim() is { Length: > 0 } text ? text : null;
    }

    public IReadOnlyList<string> List(SettingName name)
    {
        if (name.Arg is not { } arg)
        {
            return [];
        }

        return _values.GetValueOrDefault(arg) ?? [];
    }

    /// <summary>The value of an argument by its name without dashes (<c>output</c>, also when written as its alias <c>-o</c>).</summary>
    public string? Value(string arg) => _values.GetValueOrDefault(arg)?.LastOrDefault();

    /// <summary>Whether a flag that is not a setting of a pipeline was given.</summary>
    public bool Flag(string arg) => _flags.Contains(arg);

    public string Display(SettingName name) => name.Arg is { } arg ? Dashed(arg) : name.Key;

    public void Error(SettingName name, string message) =>
        Errors.Add($"{Display(name)}: {(name.Arg is { } arg ? SecretKeys.Redact(arg, _values.GetValueOrDefault(arg)?.LastOrDefault()?.Trim(), message) : message)}");

    public void Error(string message) => Errors.Add(message);

    /// <summary>Records an error about an argument that is not a setting (<c>--input</c>).</summary>
    public void Error(string arg, string message) =>
        Errors.Add($"{Dashed(arg)}: {SecretKeys.Redact(arg, _values.GetValueOrDefault(arg)?.LastOrDefault()?.Trim(), message)}");

    private static string Dashed(string arg) => (arg.Length == 1 ? "-" : "--") + arg;
}

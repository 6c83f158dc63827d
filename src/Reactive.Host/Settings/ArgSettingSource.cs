namespace Reactive.Host.Settings;

/// <summary>
/// Settings read from the arguments of a command (<c>--name value</c>, <c>--name=value</c>, flags, <c>-o</c>), with
/// errors that name the argument collected instead of thrown; arguments nobody asked about are reported by
/// <see cref="RejectUnknown"/>.
/// </summary>
internal sealed class ArgSettingSource : ISettingSource
{
    private readonly Dictionary<string, List<string>> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _flags = new(StringComparer.Ordinal);
    private readonly HashSet<string> _known = new(StringComparer.Ordinal);

    /// <param name="args">The arguments after the command's words.</param>
    /// <param name="flagNames">The arguments that take no value.</param>
    public ArgSettingSource(IEnumerable<string> args, IEnumerable<string> flagNames)
    {
        var flags = flagNames.ToHashSet(StringComparer.Ordinal);
        var list = args.ToList();
        for (var i = 0; i < list.Count; i++)
        {
            var arg = list[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal) && !(arg.StartsWith('-') && arg.Length == 2))
            {
                Errors.Add($"unexpected argument '{arg}'");
                continue;
            }

            var name = arg.Length == 2 ? arg[1..] : arg[2..];
            var eq = name.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0)
            {
                Add(name[..eq], name[(eq + 1)..]);
            }
            else if (flags.Contains(name))
            {
                _flags.Add(name);
            }
            else if (i + 1 < list.Count)
            {
                Add(name, list[++i]);
            }
            else
            {
                Errors.Add($"{arg}: needs a value");
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

        _known.Add(arg);
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

        _known.Add(arg);
        return _values.GetValueOrDefault(arg) ?? [];
    }

    /// <summary>The value of an argument that is not a setting of a pipeline (<c>--input</c>), or of its alias (<c>-o</c>).</summary>
    public string? Value(string arg, string? alias = null)
    {
        _known.Add(arg);
        if (alias is not null)
        {
            _known.Add(alias);
        }

        return (_values.GetValueOrDefault(arg) ?? (alias is null ? null : _values.GetValueOrDefault(alias)))?.LastOrDefault();
    }

    /// <summary>Whether a flag that is not a setting of a pipeline was given.</summary>
    public bool Flag(string arg)
    {
        _known.Add(arg);
        return _flags.Contains(arg);
    }

    public string Display(SettingName name) => name.Arg is { } arg ? Dashed(arg) : name.Key;

    public void Error(SettingName name, string message) =>
        Errors.Add($"{Display(name)}: {(name.Arg is { } arg ? SecretKeys.Redact(arg, _values.GetValueOrDefault(arg)?.LastOrDefault()?.Trim(), message) : message)}");

    public void Error(string message) => Errors.Add(message);

    /// <summary>Records an error about an argument that is not a setting (<c>--input</c>).</summary>
    public void Error(string arg, string message) =>
        Errors.Add($"{Dashed(arg)}: {SecretKeys.Redact(arg, _values.GetValueOrDefault(arg)?.LastOrDefault()?.Trim(), message)}");

    /// <summary>Reports every argument that no read asked for.</summary>
    public void RejectUnknown(string command)
    {
        foreach (var name in _values.Keys.Concat(_flags).Where(n => !_known.Contains(n)))
        {
            Errors.Add($"{Dashed(name)}: not an argument of '{command}'");
        }
    }

    private static string Dashed(string arg) => (arg.Length == 1 ? "-" : "--") + arg;
}

using System.Globalization;
using Reactive.Operators.Time;

namespace Reactive.Host.Cli;

/// <summary>Reads <c>--name value</c> arguments and flags, collecting errors that name the argument.</summary>
internal sealed class ArgReader
{
    private readonly Dictionary<string, List<string>> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _flags = new(StringComparer.Ordinal);
    private readonly HashSet<string> _known = new(StringComparer.Ordinal);

    public ArgReader(IEnumerable<string> args, IReadOnlySet<string> flagNames)
    {
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
            else if (flagNames.Contains(name))
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

    public List<string> Errors { get; } = [];

    private void Add(string name, string value)
    {
        if (!_values.TryGetValue(name, out var list))
        {
            _values[name] = list = [];
        }

        list.Add(value);
    }

    public bool Flag(string name)
    {
        _known.Add(name);
        return _flags.Contains(name);
    }

    public string? String(string name, string? fallback = null, bool required = false, string? alias = null)
    {
        _known.Add(name);
        if (alias is not null)
        {
            _known.Add(alias);
        }

        var value = (_values.GetValueOrDefault(name) ?? (alias is null ? null : _values.GetValueOrDefault(alias)))?.LastOrDefault();
        if (value is null && required)
        {
            Errors.Add($"--{name}: is required");
        }

        return value ?? fallback;
    }

    public IReadOnlyList<string> All(string name)
    {
        _known.Add(name);
        return _values.GetValueOrDefault(name) ?? [];
    }

    public TimeSpan Duration(string name, TimeSpan fallback, bool allowZero = true, bool allowNegative = false)
    {
        var text = String(name);
        if (text is null)
        {
            return fallback;
        }

        if (!Durations.TryParse(text, out var value, out var error))
        {
            Errors.Add($"--{name}: {error}");
            return fallback;
        }

        if ((value < TimeSpan.Zero && !allowNegative) || (value == TimeSpan.Zero && !allowZero))
        {
            Errors.Add($"--{name}: '{text}' must be {(allowZero ? "zero or positive" : "positive")}");
        }

        return value;
    }

    public TimeSpan? OptionalDuration(string name) => String(name) is null ? null : Duration(name, TimeSpan.Zero, allowZero: false);

    public long Long(string name, long fallback, long min = long.MinValue, long max = long.MaxValue)
    {
        var text = String(name);
        if (text is null)
        {
            return fallback;
        }

        if (!long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            Errors.Add($"--{name}: '{text}' is not a whole number from {min} to {max}");
            return fallback;
        }

        return value;
    }

    public double Double(string name, double fallback, double min = double.MinValue, double max = double.MaxValue)
    {
        var text = String(name);
        if (text is null)
        {
            return fallback;
        }

        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value) || value < min || value > max)
        {
            Errors.Add($"--{name}: '{text}' is not a number from {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)}");
            return fallback;
        }

        return value;
    }

    public TimeZoneInfo Zone(string name, string fallbackId)
    {
        var id = String(name, fallbackId)!;
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(id);
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            Errors.Add($"--{name}: '{id}' is not a known time zone (use an IANA id such as America/New_York)");
            return TimeZoneInfo.Utc;
        }
    }

    /// <summary>The message of an argument exception without .NET's "(Parameter …)" and "Actual value" lines.</summary>
    public static string CleanMessage(ArgumentException ex)
    {
        var message = ex.Message;
        var cut = message.IndexOf(" (Parameter '", StringComparison.Ordinal);
        return cut < 0 ? message.Split('\n')[0] : message[..cut];
    }

    /// <summary>Reports every argument that no reader call asked for.</summary>
    public void RejectUnknown(string command)
    {
        foreach (var name in _values.Keys.Concat(_flags).Where(n => !_known.Contains(n)))
        {
            Errors.Add($"{(name.Length == 1 ? "-" : "--")}{name}: not an argument of '{command}'");
        }
    }
}

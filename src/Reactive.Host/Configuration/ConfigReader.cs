using System.Globalization;
using Microsoft.Extensions.Configuration;
using Reactive.Operators.Time;

namespace Reactive.Host.Configuration;

/// <summary>
/// Reads typed values from one configuration section, collecting errors that name the full key
/// (<c>Pipelines:wordcount:Source:Port</c>) instead of throwing at the first, and rejecting keys it
/// was never asked about (a typo in a key must not be silently ignored).
/// </summary>
internal sealed class ConfigReader
{
    private readonly IConfigurationSection _section;
    private readonly List<string> _errors;
    private readonly HashSet<string> _known = new(StringComparer.OrdinalIgnoreCase);

    public ConfigReader(IConfigurationSection section, List<string> errors)
    {
        _section = section;
        _errors = errors;
    }

    public string Path => _section.Path;

    public IReadOnlyList<string> Errors => _errors;

    public bool Exists(string key)
    {
        _known.Add(key);
        var child = _section.GetSection(key);
        return child.Value is not null || child.GetChildren().Any();
    }

    public ConfigReader Child(string key)
    {
        _known.Add(key);
        return new ConfigReader(_section.GetSection(key), _errors);
    }

    /// <summary>A child section as a setting source, for a binding table (errors shared).</summary>
    public Settings.ConfigSettingSource Settings(string key)
    {
        _known.Add(key);
        return new Settings.ConfigSettingSource(_section.GetSection(key), _errors);
    }

    public IEnumerable<ConfigReader> Children(string key)
    {
        _known.Add(key);
        return _section.GetSection(key).GetChildren().Select(c => new ConfigReader(c, _errors));
    }

    public void Error(string key, string message) => _errors.Add($"{Key(key)}: {message}");

    public string Key(string key) => string.IsNullOrEmpty(key) ? _section.Path : $"{_section.Path}:{key}";

    public string? GetString(string key, string? fallback = null, bool required = false)
    {
        _known.Add(key);
        var value = _section[key];
        if (string.IsNullOrWhiteSpace(value))
        {
            if (required)
            {
                Error(key, "is required");
            }

            return fallback;
        }

        return value.Trim();
    }

    public bool GetBool(string key, bool fallback)
    {
        var text = GetString(key);
        if (text is null)
        {
            return fallback;
        }

        if (bool.TryParse(text, out var value))
        {
            return value;
        }

        Error(key, $"'{text}' is not true or false");
        return fallback;
    }

    public int GetInt(string key, int fallback, int min = int.MinValue, int max = int.MaxValue, bool required = false)
    {
        var text = GetString(key, required: required);
        if (text is null)
        {
            return fallback;
        }

        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
        {
            Error(key, $"'{text}' is not a whole number");
            return fallback;
        }

        if (value < min || value > max)
        {
            Error(key, $"{value} is out of range ({min} to {max})");
            return fallback;
        }

        return value;
    }

    public int? GetNullableInt(string key, int min = int.MinValue, int max = int.MaxValue)
    {
        var text = GetString(key);
        return text is null ? null : GetInt(key, 0, min, max);
    }

    public double GetDouble(string key, double fallback, double min = double.MinValue, double max = double.MaxValue)
    {
        var text = GetString(key);
        if (text is null)
        {
            return fallback;
        }

        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
        {
            Error(key, $"'{text}' is not a number");
            return fallback;
        }

        if (value < min || value > max)
        {
            Error(key, $"{value.ToString(CultureInfo.InvariantCulture)} is out of range ({min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)})");
            return fallback;
        }

        return value;
    }

    /// <summary>A list of strings: a JSON array, or a single comma-separated string.</summary>
    public IReadOnlyList<string> GetList(string key)
    {
        _known.Add(key);
        var section = _section.GetSection(key);
        if (section.Value is { } single)
        {
            return [.. single.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
        }

        return [.. section.GetChildren().Select(c => c.Value).OfType<string>().Select(v => v.Trim()).Where(v => v.Length > 0)];
    }

    /// <summary>A time zone by IANA id (or <c>local</c>).</summary>
    public TimeZoneInfo GetZone(string key, string fallbackId)
    {
        var id = GetString(key, fallbackId)!;
        if (id == "local")
        {
            return TimeZoneInfo.Local;
        }

        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(id);
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            Error(key, $"'{id}' is not a known time zone (use an IANA id such as America/New_York, or 'local')");
            return TimeZoneInfo.Utc;
        }
    }

    /// <summary>A duration (Spark interval words or TimeSpan text): positive, or zero with <paramref name="allowZero"/>, or any with <paramref name="allowNegative"/>.</summary>
    public TimeSpan GetDuration(string key, TimeSpan fallback, bool allowZero = false, bool required = false, bool allowNegative = false)
    {
        var text = GetString(key, required: required);
        if (text is null)
        {
            return fallback;
        }

        if (!Durations.TryParse(text, out var value, out var error))
        {
            Error(key, error!);
            return fallback;
        }

        if (!allowNegative && (value < TimeSpan.Zero || (value == TimeSpan.Zero && !allowZero)))
        {
            Error(key, $"'{text}' must be {(allowZero ? "zero or positive" : "positive")}");
            return fallback;
        }

        return value;
    }

    public T GetEnum<T>(string key, T fallback)
        where T : struct, Enum
    {
        var text = GetString(key);
        if (text is null)
        {
            return fallback;
        }

        if (Enum.TryParse<T>(text, ignoreCase: true, out var value) && Enum.IsDefined(value) && !int.TryParse(text, out _))
        {
            return value;
        }

        Error(key, $"'{text}' is not one of {string.Join(", ", Enum.GetNames<T>().Select(n => n.ToLowerInvariant()))}");
        return fallback;
    }

    /// <summary>Reports every key of this section that no reader call asked about.</summary>
    public void RejectUnknownKeys(string what)
    {
        foreach (var child in _section.GetChildren())
        {
            if (!_known.Contains(child.Key))
            {
                _errors.Add($"{child.Path}: unknown key for {what} (known keys: {string.Join(", ", _known.Order(StringComparer.OrdinalIgnoreCase))})");
            }
        }
    }
}

using Microsoft.Extensions.Configuration;

namespace Reactive.Host.Settings;

/// <summary>
/// Settings read from one configuration section, with errors that name the full key
/// (<c>Pipelines:wordcount:Options:BatchInterval</c>) collected instead of thrown; keys nobody asked about are reported by
/// <see cref="RejectUnknownKeys"/> (a typo in a key must not be silently ignored).
/// </summary>
internal sealed class ConfigSettingSource(IConfigurationSection section, List<string> errors) : ISettingSource
{
    private readonly HashSet<string> _known = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The section's path (<c>Pipelines:x:Options</c>).</summary>
    public string Path => section.Path;

    /// <summary>Every error recorded so far (shared by all sources of one load).</summary>
    public IReadOnlyList<string> Errors => errors;

    public bool Holds(SettingName name) => true;

    /// <summary>Whether the key has a value or children.</summary>
    public bool Exists(string key)
    {
        _known.Add(key);
        var child = section.GetSection(key);
        return child.Value is not null || child.GetChildren().Any();
    }

    /// <summary>A child section, read by a source of its own (errors shared).</summary>
    public ConfigSettingSource Child(string key)
    {
        _known.Add(key);
        return new ConfigSettingSource(section.GetSection(key), errors);
    }

    /// <summary>The child sections of a list key (<c>Sinks:0</c>, <c>Sinks:1</c>, …).</summary>
    public IEnumerable<ConfigSettingSource> Children(string key)
    {
        _known.Add(key);
        return section.GetSection(key).GetChildren().Select(c => new ConfigSettingSource(c, errors));
    }

    public string? Text(SettingName name) => Text(name.Key);

    /// <summary>The trimmed text of <paramref name="key"/>, or null when absent or blank.</summary>
    public string? Text(string key)
    {
        _known.Add(key);
        var value = section[key];
        return string.IsNullOrWhiteSpace(value) ? null : value.Trim();
    }

    public IReadOnlyList<string> List(SettingName name)
    {
        _known.Add(name.Key);
        var child = section.GetSection(name.Key);
        if (child.Value is { } single)
        {
            return [.. single.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
        }

        return [.. child.GetChildren().Select(c => c.Value).OfType<string>().Select(v => v.Trim()).Where(v => v.Length > 0)];
    }

    public string Display(SettingName name) => Key(name.Key);

    /// <summary>The full key of <paramref name="key"/> under this section.</summary>
    public string Key(string key) => string.IsNullOrEmpty(key) ? section.Path : $"{section.Path}:{key}";

    public void Error(SettingName name, string message) => Error(name.Key, message);

    /// <summary>Records an error about <paramref name="key"/> of this section (a secret's value never shown: <see cref="SecretKeys"/>).</summary>
    public void Error(string key, string message) =>
        errors.Add($"{Key(key)}: {SecretKeys.Redact(Key(key), string.IsNullOrEmpty(key) ? null : section[key]?.Trim(), message)}");

    public void Error(string message) => errors.Add($"{section.Path}: {message}");

    /// <summary>Marks keys as known without reading them (read elsewhere).</summary>
    public void Known(params IEnumerable<string> keys) => _known.UnionWith(keys);

    /// <summary>Reports every key of this section that no read asked about.</summary>
    public void RejectUnknownKeys(string what)
    {
        foreach (var child in section.GetChildren())
        {
            if (!_known.Contains(child.Key))
            {
                errors.Add($"{child.Path}: unknown key for {what} (known keys: {string.Join(", ", _known.Order(StringComparer.OrdinalIgnoreCase))})");
            }
        }
    }
}

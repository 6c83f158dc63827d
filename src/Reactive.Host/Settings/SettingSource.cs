namespace Reactive.Host.Settings;

/// <summary>One setting under its two spellings: the configuration key and the command-line argument (none: not on the command line).</summary>
/// <param name="Key">The key under a pipeline's section, e.g. <c>Lookback</c> in <c>Pipelines:NAME:Options:Lookback</c>.</param>
/// <param name="Arg">The argument of <c>reactive run KIND</c> without its dashes, e.g. <c>lookback</c>; null when the command line does not set it.</param>
/// <param name="IsFlag">On the command line the argument takes no value: present means the flag is set.</param>
internal readonly record struct SettingName(string Key, string? Arg, bool IsFlag = false);

/// <summary>
/// Where the text of settings comes from: a configuration section (<see cref="ConfigSettingSource"/>) or the arguments of
/// a command (<see cref="ArgSettingSource"/>). Bindings read through it and report errors through it, so an error names
/// the setting as the user wrote it (<c>Pipelines:x:Options:Lookback</c> or <c>--lookback</c>).
/// </summary>
internal interface ISettingSource
{
    /// <summary>Whether the source can hold this setting at all (the command line holds only those with an argument).</summary>
    bool Holds(SettingName name);

    /// <summary>The text given for the setting, trimmed; null when not given.</summary>
    string? Text(SettingName name);

    /// <summary>The values given for a list setting (a JSON array or comma-separated text in configuration; a repeated argument).</summary>
    IReadOnlyList<string> List(SettingName name);

    /// <summary>How the user writes the setting in this source.</summary>
    string Display(SettingName name);

    /// <summary>Records an error about the setting (the message is prefixed with <see cref="Display"/>).</summary>
    void Error(SettingName name, string message);

    /// <summary>Records an error about the whole section (an option whose setting has no spelling here).</summary>
    void Error(string message);
}

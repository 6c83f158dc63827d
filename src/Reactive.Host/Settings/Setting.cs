using System.Globalization;
using Reactive.Operators;
using Reactive.Operators.Time;

namespace Reactive.Host.Settings;

/// <summary>
/// One row of a binding table: a setting's two spellings, how its text is read, and which options property it sets.
/// A setting that is not given leaves the property as it is: the defaults live in the options types, and only there.
/// </summary>
/// <typeparam name="TOptions">The options object the table fills.</typeparam>
internal sealed class Setting<TOptions>(SettingName name, string option, Action<ISettingSource, SettingName, TOptions> bind, SettingArgument argument)
{
    /// <summary>The setting's key and argument.</summary>
    public SettingName Name => name;

    /// <summary>How the setting is written on the command line (its value's name in help, whether it repeats, its choices).</summary>
    public SettingArgument Argument => argument;

    /// <summary>The options property the setting sets, as <see cref="OptionValidationException.OptionName"/> names it.</summary>
    public string Option => option;

    /// <summary>Reads the setting from <paramref name="source"/> into <paramref name="options"/> when it is given there.</summary>
    public void Bind(ISettingSource source, TOptions options)
    {
        if (source.Holds(name))
        {
            bind(source, name, options);
        }
    }
}

/// <summary>
/// How a setting is written on the command line, for the parser's options and help: made by the table's typed rows, so a
/// kind's arguments come from its binding table and nowhere else.
/// </summary>
/// <param name="Name">The setting (its <see cref="SettingName.Arg"/> is the option's name without dashes).</param>
/// <param name="HelpName">The value's name in help (<c>N</c>, <c>DURATION</c>, <c>append|update|complete</c>); null for a flag.</param>
/// <param name="Repeats">The option may be given more than once, each a value of a list.</param>
/// <param name="Choices">The accepted values, when they are a fixed set (for completion).</param>
internal sealed record SettingArgument(SettingName Name, string? HelpName, bool Repeats = false, IReadOnlyList<string>? Choices = null);

/// <summary>How durations may be signed.</summary>
internal enum DurationRule
{
    /// <summary>Greater than zero.</summary>
    Positive,

    /// <summary>Zero or more.</summary>
    NonNegative,

    /// <summary>Any duration, negative too.</summary>
    Any,
}

/// <summary>
/// A binding table: the settings of one options type, bound from configuration and the command line alike, and its
/// options validated by their own <c>Validate()</c> with the error put on the setting that sets the faulty property.
/// </summary>
/// <typeparam name="TOptions">The options object the table fills.</typeparam>
internal sealed class SettingsTable<TOptions>
{
    private readonly List<Setting<TOptions>> _settings = [];

    /// <summary>The settings, in the order they were declared.</summary>
    public IReadOnlyList<Setting<TOptions>> Settings => _settings;

    /// <summary>The settings that have a command-line argument, as the parser's options are made from them.</summary>
    public IEnumerable<SettingArgument> Arguments => _settings.Where(s => s.Name.Arg is not null).Select(s => s.Argument);

    /// <summary>The setting that sets the options property <paramref name="option"/>.</summary>
    public SettingName NameOf(string option) => _settings.First(s => s.Option == option).Name;

    /// <summary>Records "is required" on the setting of <paramref name="option"/> when <paramref name="given"/> is false.</summary>
    public void Require(ISettingSource source, string option, bool given, string? example = null)
    {
        if (!given)
        {
            source.Error(NameOf(option), example is null ? "is required" : $"is required, e.g. {example}");
        }
    }

    /// <summary>Fills <paramref name="options"/> from <paramref name="source"/>.</summary>
    public TOptions Bind(ISettingSource source, TOptions options)
    {
        foreach (var setting in _settings)
        {
            setting.Bind(source, options);
        }

        return options;
    }

    /// <summary>
    /// Runs an options type's own <c>Validate()</c>; its <see cref="OptionValidationException"/> (or an
    /// <see cref="ArgumentException"/> whose <see cref="ArgumentException.ParamName"/> names the property) becomes an error on the
    /// setting that sets the faulty property (by the property's name, through this table), or on the section when no
    /// setting of this source sets it. Returns false when it failed.
    /// </summary>
    public bool Validate(ISettingSource source, Action validate)
    {
        try
        {
            validate();
            return true;
        }
        catch (ArgumentException ex)
        {
            if (!TryReport(source, ex))
            {
                source.Error(MessageOf(ex));
            }

            return false;
        }
    }

    /// <summary>
    /// Puts a validation error on the setting of this table that sets the faulty property (an options type's typed
    /// <see cref="OptionValidationException.OptionName"/>, or <see cref="ArgumentException.ParamName"/>); false when no
    /// setting of <paramref name="source"/> sets it.
    /// </summary>
    public bool TryReport(ISettingSource source, ArgumentException ex)
    {
        var option = (ex as OptionValidationException)?.OptionName ?? ex.ParamName;
        var setting = _settings.FirstOrDefault(s => s.Option == option && source.Holds(s.Name));
        if (setting is null)
        {
            return false;
        }

        source.Error(setting.Name, MessageOf(ex));
        return true;
    }

    /// <summary>An argument exception's message without .NET's "(Parameter '…')" suffix.</summary>
    public static string MessageOf(ArgumentException ex) => ex.Message.Split(" (Parameter '")[0];

    /// <summary>Adds a row.</summary>
    /// <param name="key">The configuration key.</param>
    /// <param name="arg">The command-line argument without its dashes, or null.</param>
    /// <param name="bind">Reads the setting's text from a source into the options.</param>
    /// <param name="option">The options property it sets (default: <paramref name="key"/>).</param>
    /// <param name="flag">On the command line it takes no value.</param>
    /// <param name="helpName">The value's name in help (default <c>VALUE</c>).</param>
    /// <param name="repeats">On the command line it may be given more than once (a list).</param>
    /// <param name="choices">The accepted values, when they are a fixed set.</param>
    public SettingsTable<TOptions> Add(
        string key,
        string? arg,
        Action<ISettingSource, SettingName, TOptions> bind,
        string? option = null,
        bool flag = false,
        string? helpName = null,
        bool repeats = false,
        IReadOnlyList<string>? choices = null)
    {
        var name = new SettingName(key, arg, flag);
        _settings.Add(new Setting<TOptions>(name, option ?? key, bind, new SettingArgument(name, flag ? null : helpName ?? "VALUE", repeats, choices)));
        return this;
    }

    /// <summary>A text setting.</summary>
    public SettingsTable<TOptions> Text(string key, string? arg, Action<TOptions, string> set, string? option = null) =>
        Add(key, arg, (s, n, o) =>
        {
            if (s.Text(n) is { } text)
            {
                set(o, text);
            }
        }, option);

    /// <summary>A whole-number setting, within <paramref name="min"/> and <paramref name="max"/>.</summary>
    public SettingsTable<TOptions> Int(string key, string? arg, Action<TOptions, int> set, int min = int.MinValue, int max = int.MaxValue, string? option = null) =>
        Add(key, arg, (s, n, o) =>
        {
            if (ReadInt(s, n, min, max) is { } value)
            {
                set(o, value);
            }
        }, option, helpName: "N");

    /// <summary>A whole-number setting that may pass 2³¹ (a byte bound), within <paramref name="min"/> and <paramref name="max"/>.</summary>
    public SettingsTable<TOptions> Long(string key, string? arg, Action<TOptions, long> set, long min = long.MinValue, long max = long.MaxValue, string? option = null) =>
        Add(key, arg, (s, n, o) =>
        {
            if (ReadLong(s, n, min, max) is { } value)
            {
                set(o, value);
            }
        }, option, helpName: "N");

    /// <summary>A number setting: finite, within <paramref name="min"/> and <paramref name="max"/>.</summary>
    public SettingsTable<TOptions> Double(string key, string? arg, Action<TOptions, double> set, double min = double.MinValue, double max = double.MaxValue, string? option = null) =>
        Add(key, arg, (s, n, o) =>
        {
            if (s.Text(n) is not { } text)
            {
                return;
            }

            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
            {
                s.Error(n, $"'{text}' is not a number");
            }
            else if (value < min || value > max)
            {
                s.Error(n, $"{value.ToString(CultureInfo.InvariantCulture)} is out of range ({min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)})");
            }
            else
            {
                set(o, value);
            }
        }, option, helpName: "NUMBER");

    /// <summary>
    /// A true/false setting; on the command line a flag (present: <c>!inverted</c>), e.g. <c>--exclude-locked-crossed</c>
    /// for <c>IncludeLockedAndCrossed = false</c>.
    /// </summary>
    public SettingsTable<TOptions> Bool(string key, string? arg, Action<TOptions, bool> set, bool inverted = false, string? option = null) =>
        Add(key, arg, (s, n, o) =>
        {
            if (s.Text(n) is not { } text)
            {
                return;
            }

            if (bool.TryParse(text, out var value))
            {
                // Only the command line's flags are inverted: a configuration key holds the property's own value.
                set(o, s is ArgSettingSource && inverted ? !value : value);
            }
            else
            {
                s.Error(n, $"'{text}' is not true or false");
            }
        }, option, flag: true);

    /// <summary>An on/off setting that takes a value on the command line too (<c>--no-data-batches off</c>): on, off, true or false.</summary>
    public SettingsTable<TOptions> Switch(string key, string? arg, Action<TOptions, bool> set, string? option = null) =>
        Add(key, arg, (s, n, o) =>
        {
            switch (s.Text(n)?.ToLowerInvariant())
            {
                case null:
                    return;
                case "on" or "true":
                    set(o, true);
                    break;
                case "off" or "false":
                    set(o, false);
                    break;
                case var text:
                    s.Error(n, $"'{text}' is not on or off");
                    break;
            }
        }, option, helpName: "on|off", choices: ["on", "off"]);

    /// <summary>A duration (Spark's interval words, <c>10 seconds</c>, or TimeSpan text).</summary>
    public SettingsTable<TOptions> Duration(string key, string? arg, Action<TOptions, TimeSpan> set, DurationRule rule = DurationRule.Positive, string? option = null) =>
        Add(key, arg, (s, n, o) =>
        {
            if (ReadDuration(s, n, rule) is { } value)
            {
                set(o, value);
            }
        }, option, helpName: "DURATION");

    /// <summary>A time zone by IANA id (<c>local</c>: the machine's).</summary>
    public SettingsTable<TOptions> Zone(string key, string? arg, Action<TOptions, TimeZoneInfo> set, string? option = null) =>
        Add(key, arg, (s, n, o) =>
        {
            if (ReadZone(s, n) is { } zone)
            {
                set(o, zone);
            }
        }, option, helpName: "ZONE");

    /// <summary>One of an enum's names, in any case.</summary>
    public SettingsTable<TOptions> Enum<TEnum>(string key, string? arg, Action<TOptions, TEnum> set, string? option = null, IReadOnlyDictionary<string, TEnum>? aliases = null)
        where TEnum : struct, System.Enum =>
        Add(key, arg, (s, n, o) =>
        {
            if (s.Text(n) is not { } text)
            {
                return;
            }

            if (aliases is not null && aliases.TryGetValue(text.ToLowerInvariant(), out var alias))
            {
                set(o, alias);
            }
            else if (System.Enum.TryParse<TEnum>(text, ignoreCase: true, out var value) && System.Enum.IsDefined(value) && !int.TryParse(text, out _))
            {
                set(o, value);
            }
            else
            {
                var names = EnumNames(aliases);
                s.Error(n, $"'{text}' is not {string.Join(", ", names[..^1])} or {names[^1]}");
            }
        }, option, helpName: string.Join('|', EnumNames(aliases)), choices: EnumNames(aliases));

    private static List<string> EnumNames<TEnum>(IReadOnlyDictionary<string, TEnum>? aliases)
        where TEnum : struct, System.Enum =>
        [.. System.Enum.GetNames<TEnum>().Select(x => x.ToLowerInvariant()).Concat(aliases?.Keys ?? []).Distinct()];

    /// <summary>A list of texts, each checked by <paramref name="parse"/> (null error: accepted).</summary>
    public SettingsTable<TOptions> List<TItem>(string key, string? arg, Func<string, (TItem? Item, string? Error)> parse, Action<TOptions, IReadOnlyList<TItem>> set, string? option = null) =>
        Add(key, arg, (s, n, o) =>
        {
            var texts = s.List(n);
            if (texts.Count == 0)
            {
                return;
            }

            var items = new List<TItem>();
            foreach (var text in texts)
            {
                var (item, error) = parse(text);
                if (error is not null)
                {
                    s.Error(n, error);
                }
                else
                {
                    items.Add(item!);
                }
            }

            set(o, items);
        }, option, repeats: true);

    /// <summary>Reads a whole number within <paramref name="min"/> and <paramref name="max"/>; null (error recorded) when it is not one.</summary>
    public static int? ReadInt(ISettingSource s, SettingName n, int min = int.MinValue, int max = int.MaxValue) =>
        (int?)ReadLong(s, n, min, max);

    /// <summary>Reads a whole number within <paramref name="min"/> and <paramref name="max"/>; null (error recorded) when it is not one.</summary>
    public static long? ReadLong(ISettingSource s, SettingName n, long min = long.MinValue, long max = long.MaxValue)
    {
        if (s.Text(n) is not { } text)
        {
            return null;
        }

        if (!long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
        {
            s.Error(n, $"'{text}' is not a whole number");
            return null;
        }

        if (value < min || value > max)
        {
            s.Error(n, $"{value} is out of range ({min} to {max})");
            return null;
        }

        return value;
    }

    /// <summary>Reads a duration under <paramref name="rule"/>; null (error recorded) when it is not one.</summary>
    public static TimeSpan? ReadDuration(ISettingSource s, SettingName n, DurationRule rule)
    {
        if (s.Text(n) is not { } text)
        {
            return null;
        }

        if (!Durations.TryParse(text, out var value, out var error))
        {
            s.Error(n, error!);
            return null;
        }

        if ((rule == DurationRule.Positive && value <= TimeSpan.Zero) || (rule == DurationRule.NonNegative && value < TimeSpan.Zero))
        {
            s.Error(n, $"'{text}' must be {(rule == DurationRule.Positive ? "positive" : "zero or positive")}");
            return null;
        }

        return value;
    }

    /// <summary>Reads a time zone; null (error recorded) when it is not one.</summary>
    public static TimeZoneInfo? ReadZone(ISettingSource s, SettingName n)
    {
        if (s.Text(n) is not { } id)
        {
            return null;
        }

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
            s.Error(n, $"'{id}' is not a known time zone (use an IANA id such as America/New_York, or 'local')");
            return null;
        }
    }
}

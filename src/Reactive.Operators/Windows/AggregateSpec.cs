using System.Diagnostics.CodeAnalysis;

namespace Reactive.Operators.Windows;

/// <summary>
/// One aggregate column of a window result: its function, the field it reads and its column name as Spark
/// prints it (<c>count</c>, <c>count(value)</c>, <c>avg(value)</c>, …, <c>twa(value)</c>).
/// </summary>
public sealed partial record AggregateSpec
{
    private AggregateSpec(AggregateKind kind, string field, string name)
    {
        Kind = kind;
        Field = field;
        SparkName = name;
    }

    /// <summary>The aggregate function.</summary>
    public AggregateKind Kind { get; }

    /// <summary>The field the aggregate reads; empty for <see cref="AggregateKind.Count"/>.</summary>
    public string Field { get; }

    /// <summary>The result column name: the alias when there is one, else as Spark names it (for example <c>avg(value)</c>).</summary>
    public string Name => Alias ?? SparkName;

    /// <summary>The column name Spark gives the aggregate without an alias (for example <c>avg(value)</c>).</summary>
    public string SparkName { get; }

    /// <summary>The column's alias (Spark's <c>.alias(…)</c>, written <c>avg(value) as name</c>), or null.</summary>
    public string? Alias { get; private init; }

    /// <summary><c>count</c>: rows, nulls included.</summary>
    public static AggregateSpec Count { get; } = new(AggregateKind.Count, string.Empty, "count");

    /// <summary>Whether the aggregate reads a value (all but <see cref="AggregateKind.Count"/>).</summary>
    public bool ReadsValue => Kind != AggregateKind.Count;

    /// <summary>Creates the aggregate <paramref name="kind"/> over <paramref name="field"/>, with its Spark name.</summary>
    /// <exception cref="ArgumentException">The field is missing (for a value aggregate) or not a plain field name.</exception>
    public static AggregateSpec Of(AggregateKind kind, string field)
    {
        if (kind == AggregateKind.Count)
        {
            return Count;
        }

        if (!IsField(field))
        {
            throw new ArgumentException($"'{field}' is not a field name (letters, digits, '_' or '.').", nameof(field));
        }

        return new AggregateSpec(kind, field, $"{FunctionName(kind)}({field})");
    }

    /// <summary>
    /// Parses a Spark aggregate name: <c>count</c>, <c>count(*)</c>, <c>count(1)</c>, <c>count(f)</c>,
    /// <c>sum(f)</c>, <c>avg(f)</c>, <c>mean(f)</c>, <c>min(f)</c>, <c>max(f)</c>, <c>first(f)</c>, <c>last(f)</c>,
    /// <c>stddev(f)</c>, <c>stddev_samp(f)</c>, <c>variance(f)</c>, <c>var_samp(f)</c>, <c>twa(f)</c>.
    /// Function names are case-insensitive; aliases keep Spark's column name (<c>mean(f)</c> → <c>avg(f)</c>,
    /// <c>stddev_samp(f)</c> → <c>stddev_samp(f)</c>).
    /// </summary>
    /// <exception cref="FormatException">The text is not one of these forms; the message says why.</exception>
    public static AggregateSpec Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryParse(text, out var spec, out var error) ? spec : throw new FormatException(error);
    }

    /// <summary>This aggregate with the column name <paramref name="alias"/> (Spark's <c>.alias(…)</c>).</summary>
    /// <exception cref="ArgumentException">The alias is not a column name (see <see cref="IsColumnName"/>).</exception>
    public AggregateSpec WithAlias(string alias) => IsColumnName(alias)
        ? new AggregateSpec(Kind, Field, SparkName) { Alias = alias }
        : throw new ArgumentException($"'{alias}' is not a column name (ASCII letters, digits and '_', not starting with a digit).", nameof(alias));

    /// <summary>Whether <paramref name="name"/> is a column name an alias may take: ASCII letters, digits and '_', not starting with a digit.</summary>
    public static bool IsColumnName(string? name)
    {
        if (string.IsNullOrEmpty(name) || char.IsAsciiDigit(name[0]))
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c == '_'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Parses like <see cref="Parse"/>, returning false and a readable <paramref name="error"/> on failure.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out AggregateSpec? spec, [NotNullWhen(false)] out string? error)
    {
        spec = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "An aggregate is empty; expected for example 'count' or 'avg(value)'.";
            return false;
        }

        // "avg(f) as name" (case-insensitive "as"): Spark's avg(f).alias("name").
        var aliased = AliasPattern().Match(text);
        if (aliased.Success)
        {
            var alias = aliased.Groups["alias"].Value;
            if (!IsColumnName(alias))
            {
                error = $"The alias '{alias}' in '{text}' is not a column name (ASCII letters, digits and '_', not starting with a digit).";
                return false;
            }

            if (!TryParse(aliased.Groups["aggregate"].Value, out var plain, out error))
            {
                return false;
            }

            spec = new AggregateSpec(plain.Kind, plain.Field, plain.SparkName) { Alias = alias };
            return true;
        }

        var s = text.AsSpan().Trim();
        var open = s.IndexOf('(');
        ReadOnlySpan<char> function;
        ReadOnlySpan<char> field;
        if (open < 0)
        {
            function = s;
            field = [];
        }
        else
        {
            if (s[^1] != ')')
            {
                error = $"Aggregate '{text}' has no closing ')'.";
                return false;
            }

            function = s[..open].TrimEnd();
            field = s[(open + 1)..^1].Trim();
        }

        var name = function.ToString().ToLowerInvariant();
        if (name == "count" && (field.IsEmpty || field.SequenceEqual("*") || field.SequenceEqual("1")))
        {
            spec = Count;
            error = null;
            return true;
        }

        AggregateKind? kind = name switch
        {
            "count" => AggregateKind.CountValue,
            "sum" => AggregateKind.Sum,
            "avg" or "mean" => AggregateKind.Avg,
            "min" => AggregateKind.Min,
            "max" => AggregateKind.Max,
            "first" => AggregateKind.First,
            "last" => AggregateKind.Last,
            "stddev" or "stddev_samp" => AggregateKind.StdDev,
            "variance" or "var_samp" => AggregateKind.Variance,
            "twa" => AggregateKind.TimeWeightedAverage,
            _ => null,
        };
        if (kind is null)
        {
            error = $"Unknown aggregate function '{function}' in '{text}'; expected count, sum, avg, min, max, first, last, stddev, variance or twa.";
            return false;
        }

        if (open < 0 || field.IsEmpty)
        {
            error = $"Aggregate '{text}' needs a field, for example '{name}(value)'.";
            return false;
        }

        var fieldText = field.ToString();
        if (!IsField(fieldText))
        {
            error = $"'{fieldText}' in '{text}' is not a field name (letters, digits, '_' or '.').";
            return false;
        }

        var columnFunction = name == "mean" ? "avg" : name;
        spec = new AggregateSpec(kind.Value, fieldText, $"{columnFunction}({fieldText})");
        error = null;
        return true;
    }

    /// <summary>The aggregate as it is written: <c>avg(value)</c>, or <c>avg(value) as name</c> with an alias.</summary>
    public override string ToString() => Alias is null ? SparkName : $"{SparkName} as {Alias}";

    [System.Text.RegularExpressions.GeneratedRegex(@"^\s*(?<aggregate>.*?)\s+as\s+(?<alias>\S*)\s*$", System.Text.RegularExpressions.RegexOptions.IgnoreCase | System.Text.RegularExpressions.RegexOptions.Singleline | System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex AliasPattern();

    private static string FunctionName(AggregateKind kind) => kind switch
    {
        AggregateKind.Count or AggregateKind.CountValue => "count",
        AggregateKind.Sum => "sum",
        AggregateKind.Avg => "avg",
        AggregateKind.Min => "min",
        AggregateKind.Max => "max",
        AggregateKind.First => "first",
        AggregateKind.Last => "last",
        AggregateKind.StdDev => "stddev",
        AggregateKind.Variance => "variance",
        AggregateKind.TimeWeightedAverage => "twa",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown aggregate kind."),
    };

    private static bool IsField(string? field)
    {
        if (string.IsNullOrEmpty(field))
        {
            return false;
        }

        foreach (var c in field)
        {
            if (!(char.IsLetterOrDigit(c) || c == '_' || c == '.'))
            {
                return false;
            }
        }

        return true;
    }
}

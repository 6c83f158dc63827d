using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;

namespace Reactive.Host.Sql;

/// <summary>
/// The Spark SQL functions the course's queries use that SQLite lacks, registered on every query
/// connection: <c>split</c> (a JSON array), <c>split_at</c> (what <c>split(…)[i]</c> becomes),
/// <c>size</c>, <c>element_at</c>, and the aggregates <c>stddev</c>, <c>stddev_samp</c>,
/// <c>stddev_pop</c>, <c>variance</c>, <c>var_samp</c>, <c>var_pop</c> and <c>mean</c>.
/// </summary>
public static class SqlFunctions
{
    private static readonly ConcurrentDictionary<string, Regex> Patterns = new(StringComparer.Ordinal);
    private static readonly TimeSpan RegexTimeout = TimeSpan.FromSeconds(1);

    /// <summary>Registers the functions on <paramref name="connection"/>.</summary>
    public static void Register(SqliteConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        connection.CreateFunction<string?, string?, string?>("split", static (s, p) => s is null || p is null ? null : JsonSerializer.Serialize(Split(s, p, -1)), isDeterministic: true);
        connection.CreateFunction<string?, string?, long, string?>("split", static (s, p, limit) => s is null || p is null ? null : JsonSerializer.Serialize(Split(s, p, limit)), isDeterministic: true);
        connection.CreateFunction<string?, string?, long?, string?>("split_at", static (s, p, i) => At(s, p, -1, i), isDeterministic: true);
        connection.CreateFunction<string?, string?, long, long?, string?>("split_at", static (s, p, limit, i) => At(s, p, limit, i), isDeterministic: true);
        connection.CreateFunction<string?, long?>("size", static json => json is null ? -1 : ArrayLength(json), isDeterministic: true);
        connection.CreateFunction<string?, long?, object?>("element_at", static (json, i) => ElementAt(json, i), isDeterministic: true);

        connection.CreateAggregate("stddev", Moments.Empty, static (Moments m, double? x) => m.Add(x), static m => m.SampleStdDev, isDeterministic: true);
        connection.CreateAggregate("stddev_samp", Moments.Empty, static (Moments m, double? x) => m.Add(x), static m => m.SampleStdDev, isDeterministic: true);
        connection.CreateAggregate("stddev_pop", Moments.Empty, static (Moments m, double? x) => m.Add(x), static m => m.PopulationStdDev, isDeterministic: true);
        connection.CreateAggregate("variance", Moments.Empty, static (Moments m, double? x) => m.Add(x), static m => m.SampleVariance, isDeterministic: true);
        connection.CreateAggregate("var_samp", Moments.Empty, static (Moments m, double? x) => m.Add(x), static m => m.SampleVariance, isDeterministic: true);
        connection.CreateAggregate("var_pop", Moments.Empty, static (Moments m, double? x) => m.Add(x), static m => m.PopulationVariance, isDeterministic: true);
        connection.CreateAggregate("mean", Moments.Empty, static (Moments m, double? x) => m.Add(x), static m => m.Mean, isDeterministic: true);
    }

    /// <summary>
    /// Spark's <c>split(str, regex, limit)</c>: splits around matches of the regular expression;
    /// with <paramref name="limit"/> &gt; 0 at most that many parts (the last holds the rest), otherwise
    /// all parts, trailing empty strings included.
    /// </summary>
    public static string[] Split(string value, string pattern, long limit)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(pattern);
        var count = limit > 0 ? (int)Math.Min(limit, int.MaxValue) : int.MaxValue;
        if (pattern.Length == 0)
        {
            // Java splits between every character.
            var chars = value.Select(c => c.ToString()).ToArray();
            return count >= chars.Length ? chars : [.. chars[..(count - 1)], value[(count - 1)..]];
        }

        if (IsPlain(pattern))
        {
            return value.Split(pattern, count, StringSplitOptions.None);
        }

        var regex = Patterns.GetOrAdd(pattern, static p => new Regex(p, RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture, RegexTimeout));
        if (Patterns.Count > 256)
        {
            Patterns.Clear();
        }

        return count == int.MaxValue ? regex.Split(value) : regex.Split(value, count);
    }

    private static string? At(string? value, string? pattern, long limit, long? index)
    {
        if (value is null || pattern is null || index is not { } i || i < 0)
        {
            return null;
        }

        var parts = Split(value, pattern, limit);
        return i < parts.Length ? parts[i] : null;
    }

    private static long? ArrayLength(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.ValueKind == JsonValueKind.Array ? document.RootElement.GetArrayLength() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static object? ElementAt(string? json, long? index)
    {
        if (json is null || index is not { } i || i == 0)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Array)
            {
                return null;
            }

            var length = root.GetArrayLength();
            var at = i > 0 ? i - 1 : length + i;
            if (at < 0 || at >= length)
            {
                return null;
            }

            var element = root[(int)at];
            return element.ValueKind switch
            {
                JsonValueKind.String => element.GetString(),
                JsonValueKind.Number => element.TryGetInt64(out var l) ? l : element.GetDouble(),
                JsonValueKind.True => 1L,
                JsonValueKind.False => 0L,
                JsonValueKind.Null => null,
                _ => element.GetRawText(),
            };
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static bool IsPlain(string pattern)
    {
        foreach (var c in pattern)
        {
            if ("\\^$.|?*+()[]{}".Contains(c, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Running count, mean and sum of squared deviations (Welford), for the variance aggregates.</summary>
    private readonly record struct Moments(long Count, double Mean0, double M2)
    {
        public static Moments Empty => default;

        public double? Mean => Count == 0 ? null : Mean0;

        public double? SampleVariance => Count < 2 ? null : M2 / (Count - 1);

        public double? PopulationVariance => Count == 0 ? null : M2 / Count;

        public double? SampleStdDev => SampleVariance is { } v ? Math.Sqrt(v) : null;

        public double? PopulationStdDev => PopulationVariance is { } v ? Math.Sqrt(v) : null;

        public Moments Add(double? x)
        {
            if (x is not { } value)
            {
                return this;
            }

            var count = Count + 1;
            var delta = value - Mean0;
            var mean = Mean0 + (delta / count);
            return new Moments(count, mean, M2 + (delta * (value - mean)));
        }
    }
}

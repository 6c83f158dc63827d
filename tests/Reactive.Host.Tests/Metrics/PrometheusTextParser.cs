using System.Globalization;
using System.Text.RegularExpressions;

namespace Reactive.Host.Tests.Metrics;

/// <summary>A strict parser of the Prometheus text exposition format 0.0.4, written from the format's description.</summary>
internal static partial class PrometheusTextParser
{
    public sealed record Sample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);

    public sealed record Family(string Name, string Type, string? Help, List<Sample> Samples);

    public static Dictionary<string, Family> Parse(string text)
    {
        var families = new Dictionary<string, Family>(StringComparer.Ordinal);
        var helps = new Dictionary<string, string>(StringComparer.Ordinal);
        Assert.True(text.Length == 0 || text.EndsWith('\n'), "the exposition must end with a newline");
        var lineNumber = 0;
        foreach (var line in text.Split('\n'))
        {
            lineNumber++;
            if (line.Length == 0)
            {
                continue;
            }

            if (line.StartsWith("# HELP ", StringComparison.Ordinal))
            {
                var rest = line[7..];
                var space = rest.IndexOf(' ', StringComparison.Ordinal);
                var name = space < 0 ? rest : rest[..space];
                Assert.Matches(MetricName(), name);
                var help = space < 0 ? string.Empty : rest[(space + 1)..];
                Assert.True(helps.TryAdd(name, help), $"line {lineNumber}: second HELP for {name}");

                // The format fixes no order between a family's HELP and TYPE lines; OpenTelemetry writes TYPE first.
                if (families.TryGetValue(name, out var typed))
                {
                    Assert.True(typed.Samples.Count == 0 && ReferenceEquals(typed, families.Values.Last()), $"line {lineNumber}: HELP for {name} after its samples");
                    families[name] = typed with { Help = help };
                }

                continue;
            }

            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                var parts = line[7..].Split(' ');
                Assert.Equal(2, parts.Length);
                Assert.Matches(MetricName(), parts[0]);
                Assert.Contains(parts[1], new[] { "counter", "gauge", "histogram", "summary", "untyped" });
                Assert.False(families.ContainsKey(parts[0]), $"line {lineNumber}: second TYPE for {parts[0]}");
                families[parts[0]] = new Family(parts[0], parts[1], helps.GetValueOrDefault(parts[0]), []);
                continue;
            }

            Assert.False(line.StartsWith('#'), $"line {lineNumber}: unknown comment form");
            var sample = ParseSample(line, lineNumber);
            var family = families.Values.SingleOrDefault(f => FamilyOf(f, sample.Name))
                ?? throw new Xunit.Sdk.XunitException($"line {lineNumber}: sample {sample.Name} before its TYPE");
            Assert.True(ReferenceEquals(family, families.Values.Last()), $"line {lineNumber}: samples of {family.Name} are not grouped");
            family.Samples.Add(sample);
        }

        foreach (var family in families.Values.Where(f => f.Type == "histogram"))
        {
            CheckHistogram(family);
        }

        return families;
    }

    private static bool FamilyOf(Family family, string sampleName) =>
        family.Type == "histogram"
            ? sampleName == family.Name + "_bucket" || sampleName == family.Name + "_sum" || sampleName == family.Name + "_count"
            : sampleName == family.Name;

    private static void CheckHistogram(Family family)
    {
        foreach (var series in family.Samples.GroupBy(s => string.Join(",", s.Labels.Where(l => l.Key != "le").OrderBy(l => l.Key).Select(l => l.Key + "=" + l.Value))))
        {
            var buckets = series.Where(s => s.Name.EndsWith("_bucket", StringComparison.Ordinal)).ToList();
            Assert.NotEmpty(buckets);
            Assert.Equal("+Inf", buckets[^1].Labels["le"]);
            var bounds = buckets.Select(b => ParseValue(b.Labels["le"])).ToList();
            Assert.Equal(bounds.Order().ToList(), bounds);
            for (var i = 1; i < buckets.Count; i++)
            {
                Assert.True(buckets[i].Value >= buckets[i - 1].Value, $"{family.Name}: buckets are not cumulative");
            }

            var count = series.Single(s => s.Name.EndsWith("_count", StringComparison.Ordinal)).Value;
            Assert.Equal(count, buckets[^1].Value);
            _ = series.Single(s => s.Name.EndsWith("_sum", StringComparison.Ordinal));
        }
    }

    private static Sample ParseSample(string line, int lineNumber)
    {
        var i = 0;
        while (i < line.Length && line[i] != '{' && line[i] != ' ')
        {
            i++;
        }

        var name = line[..i];
        Assert.Matches(MetricName(), name);
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (i < line.Length && line[i] == '{')
        {
            i++;
            while (line[i] != '}')
            {
                var eq = line.IndexOf('=', i);
                var labelName = line[i..eq];
                Assert.Matches(LabelName(), labelName);
                Assert.Equal('"', line[eq + 1]);
                var value = new System.Text.StringBuilder();
                var j = eq + 2;
                while (line[j] != '"')
                {
                    if (line[j] == '\\')
                    {
                        value.Append(line[j + 1] switch
                        {
                            '\\' => '\\',
                            '"' => '"',
                            'n' => '\n',
                            _ => throw new Xunit.Sdk.XunitException($"line {lineNumber}: bad escape \\{line[j + 1]}"),
                        });
                        j += 2;
                    }
                    else
                    {
                        value.Append(line[j]);
                        j++;
                    }
                }

                Assert.True(labels.TryAdd(labelName, value.ToString()), $"line {lineNumber}: label {labelName} twice");
                i = j + 1;
                if (line[i] == ',')
                {
                    i++;
                }
                else
                {
                    Assert.Equal('}', line[i]);
                }
            }

            i++;
        }

        Assert.Equal(' ', line[i]);
        var fields = line[(i + 1)..].Split(' ');
        Assert.InRange(fields.Length, 1, 2);
        return new Sample(name, labels, ParseValue(fields[0]));
    }

    private static double ParseValue(string text) => text switch
    {
        "+Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        "NaN" => double.NaN,
        _ => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture),
    };

    [GeneratedRegex("^[a-zA-Z_:][a-zA-Z0-9_:]*$")]
    private static partial Regex MetricName();

    [GeneratedRegex("^[a-zA-Z_][a-zA-Z0-9_]*$")]
    private static partial Regex LabelName();
}

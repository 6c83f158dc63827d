using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Reactive.Host.Configuration;
using Reactive.Host.Kinds;

namespace Reactive.Host.Tests.Configuration;

/// <summary>
/// docs/CONFIGURATION.md has one row per key, and its rows are the keys the service knows: for each kind, source and
/// section, the known keys are read from the service's own "unknown key" error (the list it shows a user who misspells
/// one) and compared, both ways, with the first column of the page's table for it.
/// </summary>
public sealed partial class ConfigurationReferenceTests
{
    private static readonly string Page = Readme.Docs().Single(d => d.Name == "CONFIGURATION.md").Text;

    public static TheoryData<string> Kinds() => [.. PipelineKinds.Names];

    [Theory]
    [MemberData(nameof(Kinds))]
    public void EveryKindsOptions_OneRowEach(string kind)
    {
        var known = KnownKeys(
            PipelineErrors(("Kind", kind), ("Source:Kind", "sample"), ("Options:Zzz", "1")),
            "Pipelines:x:Options:Zzz");

        // The bitcoin kind is the aggregate with other defaults: one table for both.
        var heading = kind == "bitcoin" ? "### Kind `aggregate`" : $"### Kind `{kind}`";
        Assert.Equal(known, DocumentedKeys(heading));
    }

    [Theory]
    [InlineData("sample", "wordcount")]
    [InlineData("replay", "spread", "Path", "/etc/hostname")]
    [InlineData("directory", "wordcount", "Path", "incoming-reference-test", "CreateIfMissing", "false")]
    [InlineData("kinesis", "aggregate", "Stream", "s")]
    public void EverySourcesKeys_OneRowEach(string source, string kind, params string[] required)
    {
        // A kind that reads the source (the aggregate's other errors, such as its missing window, are beside the point).
        var settings = new List<(string, string)> { ("Kind", kind), ("Source:Kind", source), ("Source:Zzz", "1") };
        for (var i = 0; i < required.Length; i += 2)
        {
            settings.Add(("Source:" + required[i], required[i + 1]));
        }

        Assert.Equal(KnownKeys(PipelineErrors([.. settings]), "Pipelines:x:Source:Zzz"), DocumentedKeys($"### Source `{source}`"));
    }

    [Fact]
    public void SocketSource_ItsKeysAndItsReconnectionKeys_OneRowEach()
    {
        var errors = PipelineErrors(("Kind", "wordcount"), ("Source:Kind", "socket"), ("Source:Port", "9"), ("Source:Zzz", "1"), ("Source:Reconnect:Zzz", "1"));

        Assert.Equal(KnownKeysWithin(errors, "Pipelines:x:Source", "Reconnect"), DocumentedKeys("### Source `socket`"));
    }

    [Fact]
    public void GeneratorSource_EveryGeneratorsKeys_OneRowEach()
    {
        var known = new[] { "bbo", "hourly", "bitcoin" }
            .SelectMany(g => KnownKeys(PipelineErrors(("Kind", "aggregate"), ("Source:Kind", "generator"), ("Source:Generator", g), ("Source:Zzz", "1")), "Pipelines:x:Source:Zzz"))
            .Distinct()
            .Order(StringComparer.Ordinal);

        Assert.Equal(known, DocumentedKeys("### Source `generator`"));
    }

    [Theory]
    [InlineData("Tables")]
    [InlineData("Sql")]
    [InlineData("Telemetry")]
    [InlineData("Dashboard")]
    [InlineData("Trading:Simulator")]
    public void EveryServiceSectionsKeys_OneRowEach(string section) =>
        Assert.Equal(KnownKeys(SectionErrors(section), $"{section}:Zzz"), DocumentedKeys($"### `{section}`"));

    [Fact]
    public void TradingWalletSection_OneRowEach() =>
        Assert.Equal(KnownKeys(SectionErrors("Trading:Wallet"), "Trading:Wallet:Zzz"), DocumentedKeys("### `Trading:Wallet`"));

    [Fact]
    public void SmallServiceSections_OneRowEach_PrefixedWithTheirSection()
    {
        string[] sections = ["Progress", "DeadLetters", "FileSinks", "Http"];
        var known = sections.SelectMany(s => KnownKeys(SectionErrors(s), $"{s}:Zzz").Select(k => $"{s}:{k}")).Append("AllowedHosts").Order(StringComparer.Ordinal);

        Assert.Equal(known, DocumentedKeys("### `Progress`"));
    }

    [Fact]
    public void ReactiveSection_OneRowEach()
    {
        var errors = CatalogErrors(("Reactive:Zzz", "1"), ("Reactive:Restart:Zzz", "1"));

        Assert.Equal(KnownKeysWithin(errors, "Reactive", "Restart"), DocumentedKeys("### `Reactive`"));
    }

    [Fact]
    public void APipelinesOwnKeys_OneRowEach()
    {
        var known = KnownKeys(PipelineErrors(("Kind", "wordcount"), ("Source:Kind", "sample"), ("Zzz", "1")), "Pipelines:x:Zzz");

        Assert.Equal(known, DocumentedKeys("## A pipeline"));
    }

    private static List<string> PipelineErrors(params (string Key, string Value)[] settings) =>
        CatalogErrors([.. settings.Select(s => ("Pipelines:x:" + s.Key, s.Value))]);

    private static List<string> CatalogErrors(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))).Build();
        PipelineCatalog.Load(configuration, out var errors);
        return [.. errors];
    }

    private static List<string> SectionErrors(string section)
    {
        var errors = new List<string>();
        ConfigurationSections.Check(new ConfigurationBuilder().AddCommandLine([$"--{section}:Zzz", "1"]).Build(), errors);
        return errors;
    }

    /// <summary>The keys the error about <paramref name="key"/> lists as known, sorted; Kind left out (each table is for one kind).</summary>
    private static IEnumerable<string> KnownKeys(List<string> errors, string key)
    {
        var error = Assert.Single(errors, e => e.StartsWith(key + ":", StringComparison.Ordinal));
        var list = KnownKeysPattern().Match(error);
        Assert.True(list.Success, error);
        return list.Groups[1].Value.Split(", ").Where(k => k != "Kind").Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>The known keys of <paramref name="section"/>, with those of its subsection <paramref name="nested"/> written <c>nested:key</c>.</summary>
    private static IEnumerable<string> KnownKeysWithin(List<string> errors, string section, string nested) =>
        KnownKeys(errors, section + ":Zzz").Where(k => k != nested)
            .Concat(KnownKeys(errors, $"{section}:{nested}:Zzz").Select(k => $"{nested}:{k}"))
            .Order(StringComparer.Ordinal);

    /// <summary>The keys in the first column of the table under <paramref name="heading"/>, sorted (a cell may name several: "`A`, `B`").</summary>
    private static IEnumerable<string> DocumentedKeys(string heading)
    {
        var start = Page.IndexOf("\n" + heading, StringComparison.Ordinal);
        Assert.True(start >= 0, $"docs/CONFIGURATION.md has no heading '{heading}'");
        var next = Page.IndexOf("\n#", start + heading.Length + 1, StringComparison.Ordinal);
        var section = next < 0 ? Page[start..] : Page[start..next];
        var keys = section.Split('\n')
            .Where(l => l.StartsWith("| `", StringComparison.Ordinal))
            .SelectMany(l => CodePattern().Matches(l.Split('|')[1]).Select(m => m.Groups[1].Value))
            .Where(k => k != "Kind")
            .ToList();
        Assert.Equal(keys.Distinct().Count(), keys.Count);
        return keys.Order(StringComparer.Ordinal).ToList();
    }

    [GeneratedRegex(@"known keys: ([^)]*)\)")]
    private static partial Regex KnownKeysPattern();

    [GeneratedRegex(@"`([^`]+)`")]
    private static partial Regex CodePattern();
}

using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.CommandLine;
using Microsoft.Extensions.Configuration.Json;
using Reactive.Host.Dashboard;
using Reactive.Host.DeadLetters;
using Reactive.Host.FileSinks;
using Reactive.Host.Http;
using Reactive.Host.Metrics;
using Reactive.Host.Progress;
using Reactive.Host.Sql;
using Reactive.Host.Tables;
using Reactive.Host.Wallet;

namespace Reactive.Host.Configuration;

/// <summary>
/// The sections the service reads. A key the user wrote — in an <c>appsettings.json</c> or on the command line — outside
/// them, or a key under a section bound to an options type that is none of its properties, is an error naming the key
/// (a typo must not be silently ignored, and a misplaced <c>--Foo:Password=…</c> is refused without echoing it).
/// Environment variables are not checked: the environment holds much besides the service's settings.
/// </summary>
internal static class ConfigurationSections
{
    // Section → the options type bound to it (its public settable properties are its keys), or null when its reader
    // checks its own keys (Reactive, Pipelines) or the section belongs to .NET (logging, Kestrel, host settings).
    private static readonly Dictionary<string, Type?> Known = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Reactive"] = null,
        ["Pipelines"] = null,
        [PipelineCatalog.SelectionKey] = null,
        ["Logging"] = null,
        ["AllowedHosts"] = null,
        ["Kestrel"] = null,
        ["urls"] = null,
        ["http_ports"] = null,
        ["https_ports"] = null,
        ["environment"] = null,
        ["contentRoot"] = null,
        ["applicationName"] = null,
        [TablesOptions.SectionName] = typeof(TablesOptions),
        [SqlOptions.SectionName] = typeof(SqlOptions),
        [ProgressOptions.SectionName] = typeof(ProgressOptions),
        [DeadLetterOptions.SectionName] = typeof(DeadLetterOptions),
        [FileSinkOptions.SectionName] = typeof(FileSinkOptions),
        [HttpAccessOptions.SectionName] = typeof(HttpAccessOptions),
        [TelemetryOptions.SectionName] = typeof(TelemetryOptions),
        [DashboardOptions.SectionName] = typeof(DashboardOptions),

        // Other keys under Trading are left to their readers; its subsections bound to an options type are checked as
        // sections of their own: the wallet client's (validated at start with the key named) and the in-process simulator's.
        ["Trading"] = null,
        [WalletOptions.SectionName] = typeof(WalletOptions),
        [Wallet.InProcessSimulatorOptions.SectionName] = typeof(Wallet.InProcessSimulatorOptions),
    };

    /// <summary>Adds an error for every key outside the known sections, and for every unknown key of an options section.</summary>
    public static void Check(IConfiguration configuration, List<string> errors)
    {
        if (configuration is not IConfigurationRoot root)
        {
            return;
        }

        var reported = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var provider in root.Providers.Where(p => p is CommandLineConfigurationProvider or JsonConfigurationProvider))
        {
            foreach (var section in provider.GetChildKeys([], null).Distinct(StringComparer.OrdinalIgnoreCase))
            {
                if (!Known.ContainsKey(section))
                {
                    foreach (var key in Leaves(provider, section).Where(reported.Add))
                    {
                        errors.Add($"{key}: not a setting of the service (known sections: {string.Join(", ", Known.Keys.Where(k => char.IsUpper(k[0]) && !k.Contains(':', StringComparison.Ordinal)).Order(StringComparer.Ordinal))})");
                    }
                }
                else
                {
                    // The section itself when bound to a type, and each of its subsections that is.
                    foreach (var (checkedSection, checkedType) in Known.Where(k => k.Value is not null
                                 && (k.Key.Equals(section, StringComparison.OrdinalIgnoreCase) || k.Key.StartsWith(section + ":", StringComparison.OrdinalIgnoreCase))))
                    {
                        CheckKeys(provider, checkedSection, checkedType!, reported, errors);
                    }
                }
            }
        }
    }

    /// <summary>An error for each key directly under <paramref name="section"/> that is no settable property of <paramref name="type"/>.</summary>
    private static void CheckKeys(IConfigurationProvider provider, string section, Type type, HashSet<string> reported, List<string> errors)
    {
        var properties = type.GetProperties().Where(p => p.CanWrite).Select(p => p.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var child in provider.GetChildKeys([], section).Distinct(StringComparer.OrdinalIgnoreCase).Where(c => !properties.Contains(c)))
        {
            if (reported.Add($"{section}:{child}"))
            {
                errors.Add($"{section}:{child}: unknown key for the {section} section (known keys: {string.Join(", ", properties.Order(StringComparer.Ordinal))})");
            }
        }
    }

    private static IEnumerable<string> Leaves(IConfigurationProvider provider, string path)
    {
        var children = provider.GetChildKeys([], path).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        return children.Count == 0 ? [path] : children.SelectMany(c => Leaves(provider, $"{path}:{c}"));
    }
}

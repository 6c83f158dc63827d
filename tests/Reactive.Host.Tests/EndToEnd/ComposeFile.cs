using System.Diagnostics;
using YamlDotNet.RepresentationModel;

namespace Reactive.Host.Tests.EndToEnd;

/// <summary>
/// docker-compose.yml as Debian's <c>docker-compose config</c> validates and resolves it (anchors merged, variables
/// interpolated, ports in long form), read with YamlDotNet; and the Dockerfile's stages. No Docker engine is needed.
/// This file is also compiled into tests/Reactive.WalletSimulator.Tests.
/// </summary>
internal sealed class ComposeFile
{
    private readonly YamlMappingNode _services;

    private ComposeFile(YamlMappingNode root)
    {
        _services = (YamlMappingNode)root.Children[new YamlScalarNode("services")];
    }

    /// <summary>The services' names.</summary>
    public IReadOnlyList<string> Services => [.. _services.Children.Keys.Select(k => ((YamlScalarNode)k).Value!)];

    /// <summary>Runs <c>docker-compose -f docker-compose.yml ARGS</c> at the repository root; <paramref name="environment"/> (null values removed) goes over the test's.</summary>
    public static async Task<(int Exit, string Stdout, string Stderr)> RunAsync(IEnumerable<string> args, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var root = Readme.RepositoryRoot();
        var info = new ProcessStartInfo(Tools.DockerCompose)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = root,
        };
        info.ArgumentList.Add("-f");
        info.ArgumentList.Add(Path.Combine(root, "docker-compose.yml"));
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        // The compose file's own defaults, unless a test sets a variable.
        info.Environment.Remove("WALLET_ACCESS_KEY");
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                info.Environment.Remove(name);
            }
            else
            {
                info.Environment[name] = value;
            }
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary>The file as <c>docker-compose config</c> prints it; fails the test when it does not validate.</summary>
    public static async Task<ComposeFile> ConfigAsync(IReadOnlyDictionary<string, string?>? environment = null)
    {
        var (exit, stdout, stderr) = await RunAsync(["config"], environment);
        Assert.True(exit == 0, $"docker-compose config exited with {exit}: {stderr}");
        var yaml = new YamlStream();
        yaml.Load(new StringReader(stdout));
        return new ComposeFile((YamlMappingNode)yaml.Documents[0].RootNode);
    }

    /// <summary>One service's definition.</summary>
    public YamlMappingNode Service(string name) => (YamlMappingNode)_services.Children[new YamlScalarNode(name)];

    /// <summary>A scalar at <paramref name="path"/> under service <paramref name="name"/>, or null.</summary>
    public string? Scalar(string name, params string[] path) => (At(name, path) as YamlScalarNode)?.Value;

    /// <summary>A sequence of scalars at <paramref name="path"/> under service <paramref name="name"/> (empty when absent).</summary>
    public IReadOnlyList<string> List(string name, params string[] path) =>
        At(name, path) is YamlSequenceNode list ? [.. list.Children.Select(c => ((YamlScalarNode)c).Value!)] : [];

    /// <summary>The node at <paramref name="path"/> under service <paramref name="name"/>, or null.</summary>
    private YamlNode? At(string name, string[] path)
    {
        YamlNode? node = Service(name);
        foreach (var key in path)
        {
            node = node is YamlMappingNode map && map.Children.TryGetValue(new YamlScalarNode(key), out var child) ? child : null;
        }

        return node;
    }

    /// <summary>The service's environment, as the container gets it.</summary>
    public Dictionary<string, string> Environment(string name) =>
        Service(name).Children.TryGetValue(new YamlScalarNode("environment"), out var node) && node is YamlMappingNode map
            ? map.Children.ToDictionary(e => ((YamlScalarNode)e.Key).Value!, e => ((YamlScalarNode)e.Value).Value ?? "", StringComparer.Ordinal)
            : new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>The services this one waits for, with their conditions.</summary>
    public Dictionary<string, string> DependsOn(string name) =>
        Service(name).Children.TryGetValue(new YamlScalarNode("depends_on"), out var node) && node is YamlMappingNode map
            ? map.Children.ToDictionary(e => ((YamlScalarNode)e.Key).Value!, e => ((YamlScalarNode)((YamlMappingNode)e.Value).Children[new YamlScalarNode("condition")]).Value!, StringComparer.Ordinal)
            : new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>
    /// The Dockerfile's stages by name, each its instructions in order (continuation lines joined, comments dropped),
    /// and the name of the last stage (what <c>docker build .</c> builds).
    /// </summary>
    public static (Dictionary<string, List<string>> Stages, string Last) Dockerfile()
    {
        var stages = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        List<string>? current = null;
        var last = "";
        var text = File.ReadAllText(Path.Combine(Readme.RepositoryRoot(), "Dockerfile")).ReplaceLineEndings("\n");
        var lines = text.Split('\n').Where(l => !l.TrimStart().StartsWith('#')).ToList();
        for (var i = 0; i < lines.Count; i++)
        {
            var instruction = lines[i].Trim();
            while (instruction.EndsWith('\\') && i + 1 < lines.Count)
            {
                instruction = instruction[..^1].TrimEnd() + " " + lines[++i].Trim();
            }

            if (instruction.Length == 0)
            {
                continue;
            }

            var words = instruction.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (words[0].Equals("FROM", StringComparison.OrdinalIgnoreCase))
            {
                Assert.True(words is [_, _, var kw, _] && kw.Equals("AS", StringComparison.OrdinalIgnoreCase), $"every stage is named: {instruction}");
                last = words[3];
                current = [];
                stages.Add(last, current);
            }

            current?.Add(instruction);
        }

        return (stages, last);
    }

    /// <summary>
    /// The HEALTHCHECK of Dockerfile stage <paramref name="target"/>, checked to be <c>dotnet DLL … --url URL</c> with the URL
    /// on the port the image listens on and exposes: the arguments between the DLL and <c>--url</c>, and the URL.
    /// </summary>
    public static (string[] Arguments, Uri Url) HealthCheck(string target, string dll)
    {
        var stage = Dockerfile().Stages[target];
        var health = Assert.Single(stage, i => i.StartsWith("HEALTHCHECK ", StringComparison.Ordinal));
        var command = System.Text.Json.JsonSerializer.Deserialize<string[]>(health[(health.IndexOf(" CMD ", StringComparison.Ordinal) + 5)..])!;
        Assert.Equal(["dotnet", dll], command[..2]);
        var at = Array.IndexOf(command, "--url");
        Assert.Equal(command.Length - 2, at);
        var url = new Uri(command[at + 1]);
        Assert.Equal("127.0.0.1", url.Host);
        Assert.Contains($"EXPOSE {url.Port}", stage);
        Assert.Contains(stage, i => i.Contains($"ASPNETCORE_URLS=http://0.0.0.0:{url.Port}", StringComparison.Ordinal));
        return (command[2..at], url);
    }
}

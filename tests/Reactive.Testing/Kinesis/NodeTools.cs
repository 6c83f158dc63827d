using System.Diagnostics;
using System.Text;

namespace Reactive.Testing.Kinesis;

/// <summary>
/// Runs the repository's node scripts (<c>tests/kinesis/*.js</c>) with the packages that <c>npm ci</c>
/// installs at the repository root from the committed <c>package-lock.json</c>.
/// </summary>
public static class NodeTools
{
    private static readonly Lazy<string> LazyRoot = new(LocateRoot);

    /// <summary>The repository root: the folder holding <c>package.json</c> and <c>Reactive.slnx</c>.</summary>
    public static string RepositoryRoot => LazyRoot.Value;

    /// <summary>The full path of a script in <c>tests/kinesis</c>.</summary>
    public static string KinesisScript(string name) => Path.Combine(RepositoryRoot, "tests", "kinesis", name);

    /// <summary>Throws a message saying what to install when node or an npm package is missing.</summary>
    /// <exception cref="InvalidOperationException">node is not on the PATH, or a package is not in <c>node_modules</c>.</exception>
    public static void EnsureInstalled(params string[] packages)
    {
        if (NodePath is null)
        {
            throw new InvalidOperationException("node is not on the PATH: install Node.js (apt-get install nodejs npm), then run `npm ci` at the repository root.");
        }

        foreach (var package in packages)
        {
            if (!File.Exists(Path.Combine(RepositoryRoot, "node_modules", package, "package.json")))
            {
                throw new InvalidOperationException(
                    $"The npm package '{package}' is not installed in {Path.Combine(RepositoryRoot, "node_modules")}: run `npm ci` in {RepositoryRoot} (it installs the versions of package-lock.json).");
            }
        }
    }

    /// <summary>The full path of node, or null when it is not on the PATH.</summary>
    public static string? NodePath { get; } = FindOnPath("node");

    /// <summary>
    /// Starts <c>node SCRIPT ARGS…</c> in the repository root with its standard streams redirected
    /// (and the AWS SDK's Node-version warning silenced).
    /// </summary>
    public static Process Start(string script, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(script);
        ArgumentNullException.ThrowIfNull(arguments);
        var info = new ProcessStartInfo(NodePath ?? "node")
        {
            WorkingDirectory = RepositoryRoot,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        info.ArgumentList.Add(script);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["NODE_NO_WARNINGS"] = "1";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        return Process.Start(info) ?? throw new InvalidOperationException($"node {script} did not start.");
    }

    /// <summary>Runs a node script to its end and returns its exit code and output; kills it after <paramref name="timeout"/>.</summary>
    /// <exception cref="TimeoutException">The script did not end in time.</exception>
    public static async Task<NodeResult> RunAsync(string script, IEnumerable<string> arguments, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment = null)
    {
        using var process = Start(script, arguments, environment);
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            await process.WaitForExitAsync();
            throw new TimeoutException($"node {Path.GetFileName(script)} did not end within {timeout}; its error output: {await error}");
        }

        var lines = (await output).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return new NodeResult(process.ExitCode, lines, await error);
    }

    private static string? FindOnPath(string name)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        return path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, name))
            .FirstOrDefault(File.Exists);
    }

    private static string LocateRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "package.json")) && File.Exists(Path.Combine(dir.FullName, "Reactive.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No folder above {AppContext.BaseDirectory} holds both package.json and Reactive.slnx (the repository root).");
    }
}

/// <summary>What a node script did: its exit code, its output lines, its error output.</summary>
/// <param name="ExitCode">The exit code.</param>
/// <param name="Output">The non-empty lines of its standard output.</param>
/// <param name="Error">Its standard error.</param>
public sealed record NodeResult(int ExitCode, IReadOnlyList<string> Output, string Error);

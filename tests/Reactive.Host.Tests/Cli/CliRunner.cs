using System.Text.Json;
using Reactive.Host.Cli;

namespace Reactive.Host.Tests.Cli;

/// <summary>Runs the <c>reactive</c> command line in process, capturing its output.</summary>
internal static class CliRunner
{
    public static (int Exit, string Stdout, string Stderr) Run(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = CommandLine.RunAsync(args, stdout, stderr).GetAwaiter().GetResult();
        return (exit, stdout.ToString(), stderr.ToString());
    }

    public static string TempFile(string name) =>
        Path.Combine(Directory.CreateTempSubdirectory("reactive-cli-").FullName, name);

    public static List<JsonElement> ReadJsonLines(string path) =>
        [.. File.ReadAllLines(path).Where(l => l.Length > 0).Select(l => JsonDocument.Parse(l).RootElement.Clone())];
}

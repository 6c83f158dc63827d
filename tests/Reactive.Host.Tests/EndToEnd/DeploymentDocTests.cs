using System.Text.RegularExpressions;

namespace Reactive.Host.Tests.EndToEnd;

/// <summary>
/// docs/DEPLOYMENT.md: its <c>docker-compose</c> commands are run and their output compared; the ones that need a Docker
/// engine (marked so in their block) cannot run here, so their subcommands, options, services and variables are checked
/// against Debian's docker-compose and the compose file. Every variable the compose file sets is documented.
/// </summary>
public sealed partial class DeploymentDocTests
{
    private const string EngineMark = "# needs a Docker engine";

    [RequiresExecutableFact(Tools.DockerCompose)]
    public async Task DeploymentDoc_ComposeCommands_RunAsShown_EngineCommandsUseOptionsThatExist()
    {
        var blocks = Readme.Blocks(Doc());
        var compose = await ComposeFile.ConfigAsync();
        int ran = 0, engine = 0;

        for (var i = 0; i < blocks.Count; i++)
        {
            if (blocks[i].Language != "sh")
            {
                continue;
            }

            var needsEngine = blocks[i].Text.Contains(EngineMark, StringComparison.Ordinal);
            var expected = i + 1 < blocks.Count && blocks[i + 1].Language.Length == 0 ? blocks[i + 1].Text : null;
            string? output = null;
            foreach (var command in Readme.Words(blocks[i].Text))
            {
                var assignments = command.TakeWhile(w => Assignment().IsMatch(w)).ToDictionary(w => w[..w.IndexOf('=', StringComparison.Ordinal)], w => (string?)w[(w.IndexOf('=', StringComparison.Ordinal) + 1)..]);
                var words = command[assignments.Count..];
                if (needsEngine)
                {
                    Assert.True(words is ["docker", "compose", ..], $"'{string.Join(' ', command)}' is in a block marked '{EngineMark}' but is not a docker compose command");
                    await CheckEngineCommandAsync(words[2..], assignments, compose);
                    engine++;
                }
                else
                {
                    Assert.True(words is ["docker-compose", ..], $"docs/DEPLOYMENT.md shows '{string.Join(' ', command)}', which no test runs: run it here or mark its block '{EngineMark}'");
                    var (exit, stdout, stderr) = await ComposeFile.RunAsync(words[1..], assignments);
                    Assert.True(exit == 0, $"{string.Join(' ', command)} exited with {exit}: {stderr}");
                    output = stdout;
                    ran++;
                }
            }

            if (expected is not null)
            {
                Assert.False(needsEngine, "an output block follows commands that were not run");
                Assert.Equal(expected, output);
            }
        }

        Assert.Equal(3, ran);
        Assert.Equal(7, engine);
    }

    [RequiresExecutableFact(Tools.DockerCompose)]
    public async Task DeploymentDoc_DocumentsEveryVariableTheComposeFileSets_AndThatImagesAreNotBuiltInCi()
    {
        var doc = Doc();
        var compose = await ComposeFile.ConfigAsync();

        var variables = compose.Services.SelectMany(compose.Environment).Select(e => e.Key).Distinct().ToList();
        Assert.NotEmpty(variables);
        Assert.All(variables, v => Assert.Contains($"`{v}`", doc, StringComparison.Ordinal));
        Assert.All(compose.Services, s => Assert.Contains($"| `{s}` |", doc, StringComparison.Ordinal));
        Assert.Contains("**Images are not built in CI.**", doc, StringComparison.Ordinal);
    }

    private static string Doc() => File.ReadAllText(Path.Combine(Readme.RepositoryRoot(), "docs", "DEPLOYMENT.md")).ReplaceLineEndings("\n");

    /// <summary>
    /// A <c>docker compose …</c> command that needs an engine, checked with what can run here: its global options and the
    /// subcommand's options appear in docker-compose's help, the services it names are the file's, the variables set
    /// before it are ones the file reads.
    /// </summary>
    private static async Task CheckEngineCommandAsync(string[] words, Dictionary<string, string?> assignments, ComposeFile compose)
    {
        var raw = await File.ReadAllTextAsync(Path.Combine(Readme.RepositoryRoot(), "docker-compose.yml"));
        Assert.All(assignments.Keys, v => Assert.Contains("${" + v + ":-", raw, StringComparison.Ordinal));
        var global = await HelpAsync([]);
        var at = 0;
        for (; at < words.Length && words[at].StartsWith('-'); at++)
        {
            Assert.True(HasOption(global, words[at]), $"docker-compose has no global option {words[at]}");
            if (words[at] == "--profile")
            {
                at++;
            }
        }

        Assert.True(at < words.Length, $"no subcommand in docker compose {string.Join(' ', words)}");
        var help = await HelpAsync([words[at]]);
        foreach (var word in words[(at + 1)..])
        {
            if (word.StartsWith('-'))
            {
                Assert.True(HasOption(help, word), $"docker-compose {words[at]} has no option {word}");
            }
            else
            {
                Assert.Contains(word, compose.Services);
            }
        }
    }

    private static async Task<string> HelpAsync(string[] subcommand)
    {
        var (exit, stdout, stderr) = await ComposeFile.RunAsync([.. subcommand, "--help"]);
        Assert.True(exit == 0, $"docker-compose {string.Join(' ', subcommand)} --help exited with {exit}: {stderr}");
        return stdout;
    }

    private static bool HasOption(string help, string option) =>
        Regex.IsMatch(help, $@"(^|[\s,]){Regex.Escape(option)}([\s,=]|$)", RegexOptions.Multiline);

    [GeneratedRegex("^[A-Z_][A-Z0-9_]*=")]
    private static partial Regex Assignment();
}

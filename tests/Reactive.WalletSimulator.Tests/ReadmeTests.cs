using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using Reactive.Host.Tests;

namespace Reactive.WalletSimulator.Tests;

/// <summary>
/// Every command of the README's "Wallet simulator" section, read from the README and run as written: each
/// <c>dotnet run --project src/Reactive.WalletSimulator -- ARGS</c> starts the built simulator with ARGS (its <c>--urls</c> port
/// replaced by a free one) in one fresh working folder, each <c>curl</c> runs the real curl against it; what a command prints
/// is what the output block after it shows, <c>…</c> standing for any text on its line.
/// </summary>
public sealed class ReadmeTests
{
    private static readonly string[] Run = ["dotnet", "run", "--project", "src/Reactive.WalletSimulator", "--"];

    [Fact]
    public async Task Readme_WalletSimulator_EveryCommandRunsAndPrintsWhatIsShown()
    {
        var blocks = Readme.Blocks(Readme.Section("## Wallet simulator"));
        var work = SimulatorServer.NewDirectory();
        var simulators = new List<SimulatorProcess>();
        var addresses = new Dictionary<string, string>();
        var ran = 0;
        try
        {
            for (var i = 0; i < blocks.Count; i++)
            {
                if (blocks[i].Language != "sh")
                {
                    continue;
                }

                var printed = new StringBuilder();
                foreach (var command in Readme.Words(blocks[i].Text))
                {
                    if (command.Take(Run.Length).SequenceEqual(Run))
                    {
                        var args = command[Run.Length..];
                        var urls = Array.IndexOf(args, "--urls") + 1;
                        Assert.True(urls > 0, $"the README starts a simulator without --urls: {string.Join(' ', command)}");
                        var shown = new Uri(args[urls]).Authority;
                        args[urls] = "http://127.0.0.1:0";
                        var simulator = SimulatorProcess.Start(work, args);
                        simulators.Add(simulator);
                        addresses[shown] = (await simulator.WaitForUrlAsync(TimeSpan.FromSeconds(30))).Authority;
                    }
                    else if (command[0] == "curl")
                    {
                        var args = command[1..].Select(a => addresses.Aggregate(a, (s, kv) => s.Replace(kv.Key, kv.Value, StringComparison.Ordinal)));
                        printed.Append(await CurlAsync(args));
                    }
                    else
                    {
                        Assert.Fail($"the README shows a command no test runs: {string.Join(' ', command)}");
                    }

                    ran++;
                }

                if (i + 1 < blocks.Count && blocks[i + 1].Language.Length == 0)
                {
                    var shown = blocks[i + 1].Text.TrimEnd('\n');
                    var pattern = "^" + string.Join("[^\n]*", shown.Split('…').Select(Regex.Escape)) + "$";
                    Assert.True(Regex.IsMatch(printed.ToString().TrimEnd('\n'), pattern), $"README shows:\n{shown}\ncurl printed:\n{printed}");
                }
            }

            Assert.Equal(16, ran);
            Assert.True(File.Exists(Path.Combine(work, "state", "wallet-simulator.db")));
            Assert.True(File.Exists(Path.Combine(work, "state", "wallet-admin.db")));
        }
        finally
        {
            foreach (var simulator in simulators)
            {
                await simulator.DisposeAsync();
            }

            Directory.Delete(work, recursive: true);
        }
    }

    private static async Task<string> CurlAsync(IEnumerable<string> args)
    {
        var info = new ProcessStartInfo("curl") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        // Straight to 127.0.0.1, whatever proxy the machine has.
        info.Environment["NO_PROXY"] = "*";
        info.Environment["no_proxy"] = "*";
        using var curl = Process.Start(info)!;
        var stdout = curl.StandardOutput.ReadToEndAsync();
        var stderr = curl.StandardError.ReadToEndAsync();
        await curl.WaitForExitAsync();
        Assert.True(curl.ExitCode == 0, $"curl {string.Join(' ', info.ArgumentList)} exited {curl.ExitCode}: {await stderr}");
        return await stdout;
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Reactive.Host.Tests.Cli;
using Reactive.Testing;

namespace Reactive.Host.Tests.EndToEnd;

/// <summary>
/// Exercise 1 as the course feeds it: the real quotes file through the real ncat into the shipped <c>spread-socket</c>
/// pipeline, header line included, every second and minute checked against a GroupBy over the file.
/// </summary>
public sealed class CourseSocketFeedTests
{
    public enum Feed
    {
        /// <summary><c>ncat -lk --broker PORT</c> relays; the course's own <c>stdbuf -oL cat 14081.csv | ncat localhost PORT</c> feeds it.</summary>
        CourseCommandThroughABroker,

        /// <summary><c>stdbuf -oL cat 14081.csv | ncat -lk PORT</c>: ncat is the server and sends the file to the service.</summary>
        NcatServerFedByCat,
    }

    [CourseFeedTheory]
    [InlineData(Feed.CourseCommandThroughABroker)]
    [InlineData(Feed.NcatServerFedByCat)]
    public async Task SpreadSocket_CourseQuotesThroughNcat_EverySecondAndMinuteAsTheFileSays(Feed feed)
    {
        var csv = SharedData.PathOf("14081.csv");
        var port = ServiceProcess.FreePort().ToString(CultureInfo.InvariantCulture);
        var processes = new List<Process>();
        try
        {
            if (feed == Feed.CourseCommandThroughABroker)
            {
                processes.Add(Start(Tools.Ncat, "-lk", "--broker", "127.0.0.1", port));
            }
            else
            {
                processes.Add(Start("/bin/sh", "-c", $"stdbuf -oL cat '{csv}' | {Tools.Ncat} -lk 127.0.0.1 {port}"));
            }

            await using var service = ServiceProcess.Start(
                ServiceProcess.NewWorkingDirectory(),
                null,
                "--urls", "http://127.0.0.1:0",
                "--pipelines", "spread-socket",
                "--Pipelines:spread-socket:Source:Host", "127.0.0.1",
                "--Pipelines:spread-socket:Source:Port", port,
                "--Pipelines:spread-socket:Source:Reconnect:InitialDelay", "100 milliseconds");
            await service.WaitForStderrAsync("connected; reading lines", TimeSpan.FromSeconds(30));
            if (feed == Feed.CourseCommandThroughABroker)
            {
                // The notebook's command, word for word but the port.
                using var course = Start("/bin/sh", "-c", $"stdbuf -oL cat '{csv}' | {Tools.Ncat} localhost {port}");
                await course.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
            }

            // 12,434 seconds and 1,136 minutes in the file. No quote comes after the last one: its second and minute
            // are made final by the pipeline's idle timeout (5 s without a quote), before any shutdown.
            static int Rows(string stdout, string kind) => stdout.Split('\n').Count(l => l.Contains($"\"kind\":\"{kind}\"", StringComparison.Ordinal));
            await service.WaitForStdoutAsync(o => Rows(o, "second") == 12_434 && Rows(o, "minute") == 1_136, TimeSpan.FromSeconds(60), "every second and minute");
            var beforeShutdown = service.Stdout;
            Assert.Equal(0, await service.TerminateAsync(TimeSpan.FromSeconds(10)));
            Assert.Equal((12_434, 1_136), (Rows(service.Stdout, "second"), Rows(service.Stdout, "minute")));
            Assert.Equal(beforeShutdown.TrimEnd(), service.Stdout.TrimEnd());

            var rows = service.Stdout.Split('\n').Where(l => l.StartsWith('{')).Select(l => JsonDocument.Parse(l).RootElement).ToList();
            RunCourseDataTests.AssertMatchesReference(csv, rows, expectedSeconds: 12_434, expectedMinutes: 1_136);
            Assert.DoesNotContain("rejected a row", service.Stderr, StringComparison.Ordinal);
        }
        finally
        {
            foreach (var p in processes)
            {
                // The whole tree, by PID: under /bin/sh the ncat and cat are the shell's children.
                KillTree(p);
            }
        }
    }

    private static Process Start(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardInput = true, RedirectStandardOutput = true };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        var process = Process.Start(info)!;
        process.StandardInput.Close();
        return process;
    }

    private static void KillTree(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(5000);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        process.Dispose();
    }
}

/// <summary>A theory that needs the course's quotes file and Debian's ncat; skipped, saying which, when one is absent.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class CourseFeedTheoryAttribute : TheoryAttribute
{
    public CourseFeedTheoryAttribute()
    {
        Skip = SharedData.SkipReason("14081.csv")
            ?? (File.Exists(Tools.Ncat) ? null : $"{Tools.Ncat} is not installed (apt-get install ncat)");
    }
}

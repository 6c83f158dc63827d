using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Reactive.Host.Tests.EndToEnd;

/// <summary>
/// The course's first example end to end: the built service's socket word count against a real
/// TCP server, its console output parsed in Spark's pprint layout.
/// </summary>
public sealed class SocketWordCountTests
{
    // 40 lines of "spark rx rx" and 20 of "flink": by hand, rx = 80, spark = 40, flink = 20.
    private static readonly string[] Lines = [.. Enumerable.Repeat("spark rx rx", 40), .. Enumerable.Repeat("flink", 20)];
    private static readonly Dictionary<string, long> Expected = new() { ["rx"] = 80, ["spark"] = 40, ["flink"] = 20 };

    private static ServiceProcess StartService(int port) => ServiceProcess.Start(
        ServiceProcess.NewWorkingDirectory(),
        null,
        "--pipelines", "wordcount",
        "--Pipelines:wordcount:Source:Host", "127.0.0.1",
        "--Pipelines:wordcount:Source:Port", port.ToString(CultureInfo.InvariantCulture),
        "--Pipelines:wordcount:Source:Reconnect:InitialDelay", "100 milliseconds",
        "--Pipelines:wordcount:Options:BatchInterval", "1 second",
        "--urls", "http://127.0.0.1:0");

    [Fact]
    public async Task WordCount_AgainstTcpServer_CountsEveryWordAcrossBatches()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        await using var service = StartService(port);

        using var client = await listener.AcceptTcpClientAsync().WaitAsync(TimeSpan.FromSeconds(30));
        var stream = client.GetStream();
        foreach (var chunk in Lines.Chunk(7))
        {
            // CRLF on purpose, and lines cut across writes.
            var bytes = Encoding.UTF8.GetBytes(string.Concat(chunk.Select(l => l + "\r\n")));
            await stream.WriteAsync(bytes.AsMemory(0, bytes.Length / 2));
            await stream.FlushAsync();
            await Task.Delay(20);
            await stream.WriteAsync(bytes.AsMemory(bytes.Length / 2));
            await stream.FlushAsync();
        }

        await service.WaitForStdoutAsync(o => Totals(o).GetValueOrDefault("flink") == 20, TimeSpan.FromSeconds(30), "all 20 flinks counted");
        Assert.Equal(0, await service.TerminateAsync(TimeSpan.FromSeconds(10)));

        Assert.Equal(Expected, Totals(service.Stdout));
        Assert.Contains("connected; reading lines", service.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WordCount_ServerGoesAwayAndComesBack_ReconnectsAndSaysItCannotReplay()
    {
        var port = ServiceProcess.FreePort();
        var listener = new TcpListener(IPAddress.Loopback, port);
        listener.Start();
        await using var service = StartService(port);

        using (var first = await listener.AcceptTcpClientAsync().WaitAsync(TimeSpan.FromSeconds(30)))
        {
            await first.GetStream().WriteAsync(Encoding.UTF8.GetBytes("before\n"));
            await service.WaitForStdoutAsync(o => Totals(o).ContainsKey("before"), TimeSpan.FromSeconds(30), "the first line counted");
        }

        listener.Stop();
        await service.WaitForStderrAsync("cannot replay", TimeSpan.FromSeconds(30));
        listener = new TcpListener(IPAddress.Loopback, port);
        listener.Start();
        using (var second = await listener.AcceptTcpClientAsync().WaitAsync(TimeSpan.FromSeconds(30)))
        {
            await second.GetStream().WriteAsync(Encoding.UTF8.GetBytes("after after\n"));
            await service.WaitForStdoutAsync(o => Totals(o).ContainsKey("after"), TimeSpan.FromSeconds(30), "a line after reconnecting");
        }

        listener.Stop();
        Assert.Equal(0, await service.TerminateAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(new Dictionary<string, long> { ["before"] = 1, ["after"] = 2 }, Totals(service.Stdout));
        Assert.Contains("reconnecting", service.Stderr, StringComparison.Ordinal);
    }

    [RequiresExecutableFact(Tools.Ncat)]
    public async Task WordCount_AgainstNcat_AsInTheCourse()
    {
        var port = ServiceProcess.FreePort();
        var ncatInfo = new ProcessStartInfo(Tools.Ncat, ["-lk", "127.0.0.1", port.ToString(CultureInfo.InvariantCulture)])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        using var ncat = Process.Start(ncatInfo)!;
        try
        {
            await using var service = StartService(port);
            await service.WaitForStderrAsync("connected; reading lines", TimeSpan.FromSeconds(30));
            foreach (var line in Lines)
            {
                await ncat.StandardInput.WriteLineAsync(line);
            }

            await ncat.StandardInput.FlushAsync();
            await service.WaitForStdoutAsync(o => Totals(o).GetValueOrDefault("flink") == 20, TimeSpan.FromSeconds(30), "all lines counted");
            Assert.Equal(0, await service.TerminateAsync(TimeSpan.FromSeconds(10)));
            Assert.Equal(Expected, Totals(service.Stdout));
        }
        finally
        {
            ncat.Kill();
            await ncat.WaitForExitAsync();
        }
    }

    /// <summary>Sums the counts of every printed batch (all batches hold at most 10 words here, so none is hidden by "...").</summary>
    private static Dictionary<string, long> Totals(string stdout)
    {
        var totals = new Dictionary<string, long>();
        foreach (var block in SampleWordCountTests.Batches(stdout))
        {
            Assert.DoesNotContain("...", block);
            foreach (var line in block.Skip(3))
            {
                var m = SampleWordCountTests.TupleLine().Match(line);
                if (m.Success)
                {
                    totals[m.Groups[1].Value] = totals.GetValueOrDefault(m.Groups[1].Value) + long.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
                }
            }
        }

        return totals;
    }
}

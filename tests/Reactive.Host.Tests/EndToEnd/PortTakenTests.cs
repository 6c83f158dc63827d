using System.Net;
using System.Net.Sockets;

namespace Reactive.Host.Tests.EndToEnd;

/// <summary>
/// Start-up checks before anything starts: a taken HTTP address is one line naming it and the fix, exit 2, no stack
/// trace and no pipeline started; with a free one the server listens before any pipeline starts; the first line comes at once.
/// </summary>
public sealed class PortTakenTests
{
    [Fact]
    public async Task Service_PortTaken_OneLineNamingTheAddressAndTheFixExitTwo()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;

        await using var service = ServiceProcess.Start(ServiceProcess.NewWorkingDirectory(), null,
            "--urls", $"http://127.0.0.1:{port}", "--pipelines", "sample-wordcount");

        Assert.Equal(2, await service.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        var lines = service.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length); // "starting", then the reason
        Assert.StartsWith("reactive: starting the service", lines[0], StringComparison.Ordinal);
        Assert.Equal(
            $"reactive: cannot listen on http://127.0.0.1:{port}: the address is in use (another program, or another reactive, listens there); stop that program, or choose another address: --urls http://127.0.0.1:PORT",
            lines[1]);
        Assert.Equal("", service.Stdout); // the word count never ran
    }

    [Fact]
    public async Task Service_FreePort_ListensBeforeAnyPipelineStarts()
    {
        await using var service = ServiceProcess.Start(ServiceProcess.NewWorkingDirectory(), null,
            "--urls", "http://127.0.0.1:0", "--pipelines", "sample-wordcount");

        await service.WaitForStderrAsync("Pipeline sample-wordcount (wordcount) starting", TimeSpan.FromSeconds(60));
        var stderr = service.Stderr;
        Assert.StartsWith("reactive: starting the service", stderr, StringComparison.Ordinal);
        var listening = stderr.IndexOf("Now listening on: ", StringComparison.Ordinal);
        Assert.InRange(listening, 0, stderr.IndexOf("Pipeline sample-wordcount (wordcount) starting", StringComparison.Ordinal));
    }
}

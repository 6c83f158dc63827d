using System.Net;
using System.Net.Sockets;

namespace Reactive.Host.Tests.EndToEnd;

/// <summary>The built service whose HTTP address is taken says so in one line (told by the bind error's type, not its text).</summary>
public sealed class PortTakenTests
{
    [Fact]
    public async Task Service_PortTaken_SaysItCannotListenAndExitsOne()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;

        await using var service = ServiceProcess.Start(ServiceProcess.NewWorkingDirectory(), null, "--urls", $"http://127.0.0.1:{port}");

        Assert.Equal(1, await service.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("reactive: cannot listen: ", service.Stderr, StringComparison.Ordinal);
        Assert.Contains($"127.0.0.1:{port}", service.Stderr, StringComparison.Ordinal);
    }
}

using System.Net;
using System.Net.Sockets;

namespace Reactive.Sources.Tests.Socket;

/// <summary>A real TCP server on 127.0.0.1 for the socket source to connect to.</summary>
internal sealed class TestServer : IDisposable
{
    private readonly TcpListener _listener;

    public TestServer(int port = 0)
    {
        _listener = new TcpListener(IPAddress.Loopback, port);
        _listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
    }

    public int Port { get; }

    /// <summary>A port nothing listens on (bound, then released).</summary>
    public static int FreePort()
    {
        using var server = new TestServer();
        return server.Port;
    }

    public async Task<TcpClient> AcceptAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        var client = await _listener.AcceptTcpClientAsync(timeout.Token);
        client.NoDelay = true;
        return client;
    }

    public void Dispose() => _listener.Dispose();
}

internal static class TcpClientExtensions
{
    /// <summary>Sends the bytes one at a time, each in its own write and flush, with a pause so they travel in separate packets.</summary>
    public static async Task SendByteByByteAsync(this TcpClient client, byte[] bytes)
    {
        var stream = client.GetStream();
        foreach (var b in bytes)
        {
            await stream.WriteAsync(new[] { b });
            await stream.FlushAsync();
            await Task.Delay(2);
        }
    }

    public static async Task SendAsync(this TcpClient client, byte[] bytes)
    {
        var stream = client.GetStream();
        await stream.WriteAsync(bytes);
        await stream.FlushAsync();
    }
}

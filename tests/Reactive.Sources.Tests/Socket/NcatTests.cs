using System.Diagnostics;
using Reactive.Sources.Socket;
using Reactive.Sources.Tests.Common;

namespace Reactive.Sources.Tests.Socket;

public sealed class NcatTests
{
    [NcatFact]
    public async Task SocketLineSource_AgainstRealNcat_ReadsLinesTypedIntoNcat()
    {
        var port = TestServer.FreePort();
        using var ncat = Process.Start(new ProcessStartInfo(NcatFactAttribute.Path!)
        {
            ArgumentList = { "-lk", "127.0.0.1", port.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        })!;
        try
        {
            var source = new SocketLineSource(new SocketSourceOptions
            {
                Host = "127.0.0.1",
                Port = port,
                InitialDelay = TimeSpan.FromMilliseconds(50),
                MaxDelay = TimeSpan.FromMilliseconds(100),
                JitterFraction = 0,
            });
            using var lines = new Collector<SourceLine>();
            using var statuses = new Collector<SourceStatus>();
            using var statusSubscription = source.Status.Subscribe(statuses);
            using var subscription = source.Subscribe(lines);
            await statuses.WaitAsync(s => s.Any(x => x.Kind == SourceStatusKind.Connected), "connected");

            // ncat sends its stdin to the clients it has accepted; its accept may lag our connect, so repeat.
            IReadOnlyList<SourceLine> got = [];
            for (var i = 0; i < 20 && got.Count == 0; i++)
            {
                await ncat.StandardInput.WriteAsync("hello ncat\n");
                await ncat.StandardInput.FlushAsync();
                try
                {
                    got = await lines.WaitForCountAsync(1, TimeSpan.FromMilliseconds(250));
                }
                catch (TimeoutException)
                {
                }
            }

            Assert.Equal(new SourceLine($"127.0.0.1:{port}", 1, "hello ncat"), got[0]);

            ncat.Kill();
            await ncat.WaitForExitAsync();
            var after = await statuses.WaitAsync(s => s.Any(x => x.Kind == SourceStatusKind.Disconnected), "disconnected");
            Assert.Contains("cannot replay", after.First(x => x.Kind == SourceStatusKind.Disconnected).Message, StringComparison.Ordinal);
        }
        finally
        {
            if (!ncat.HasExited)
            {
                ncat.Kill();
            }
        }
    }
}

using Reactive.Testing.Kinesis;

namespace Reactive.Sources.Tests.Kinesis;

/// <summary>One kinesalite server per test class (on its own free port), started before the class's first test and stopped after its last.</summary>
public sealed class KinesaliteFixture : IAsyncLifetime
{
    private KinesaliteServer? _server;

    public KinesaliteServer Server => _server ?? throw new InvalidOperationException("kinesalite is not started.");

    public async Task InitializeAsync() => _server = await KinesaliteServer.StartAsync();

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}

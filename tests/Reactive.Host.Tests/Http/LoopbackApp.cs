using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Reactive.Host.Tests.Http;

/// <summary>Starts a test's WebApplication on Kestrel, 127.0.0.1, a free port.</summary>
internal static class LoopbackApp
{
    /// <summary>Starts <paramref name="app"/> after <paramref name="map"/> and returns its address; disposes it when either fails.</summary>
    public static async Task<Uri> StartAsync(WebApplication app, Action<WebApplication> map)
    {
        try
        {
            app.Urls.Add("http://127.0.0.1:0");
            map(app);
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        return new Uri(app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First());
    }
}

using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Reactive.Host.Instances;
using Reactive.Host.Configuration;
using Reactive.Host.Settings;

namespace Reactive.Host.Cli;

/// <summary>Which service <c>reactive sql</c> asks: the one started in this folder (its instance file), and whether what answers is one.</summary>
internal static class ServiceFinder
{
    /// <summary>
    /// The instance file of the service started with this folder's configuration (<c>Reactive:StateDirectory</c>, else
    /// <c>Reactive:DataDirectory</c>/state), or null when there is none.
    /// </summary>
    public static ServiceInstance.Description? FromInstanceFile(IReadOnlyList<string> configuration)
    {
        var config = ServiceHost.CreateBuilder([.. configuration]).Configuration;
        var host = HostSettings.Table.Bind(new ConfigSettingSource(config.GetSection("Reactive"), []), new HostSettings());
        return ServiceInstance.Read(Path.Combine(host.RunStateDirectory, ServiceInstance.FileName));
    }

    /// <summary>
    /// Asks <c>GET /api/instance</c>: the instance when a Reactive service answers, else null and why (another program
    /// answers there). Throws <see cref="HttpRequestException"/> when nothing answers.
    /// </summary>
    public static async Task<(ServiceInstance.Description? Instance, string? Refusal)> IdentifyAsync(HttpClient client, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        using var response = await client.GetAsync(new Uri("/api/instance", UriKind.Relative), timeout.Token).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            return (null, $"GET /api/instance answered {(int)response.StatusCode}");
        }

        try
        {
            var instance = await response.Content.ReadFromJsonAsync<ServiceInstance.Description>(ServiceInstance.Json, timeout.Token).ConfigureAwait(false);
            return instance is { Service: ServiceInstance.ServiceName, Id.Length: > 0 }
                ? (instance with { Pipelines = instance.Pipelines ?? [] }, null)
                : (null, "GET /api/instance does not name a Reactive instance");
        }
        catch (JsonException)
        {
            return (null, "GET /api/instance answered something else than JSON");
        }
    }
}

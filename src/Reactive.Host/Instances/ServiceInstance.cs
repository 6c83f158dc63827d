using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Reactive.Host.Progress;

namespace Reactive.Host.Instances;

/// <summary>
/// Who a running service is: a random id, its address and pipelines. It writes them to <c>instance.json</c> in its run
/// state directory and answers them at <c>GET /api/instance</c>, so <c>reactive sql</c> asks the service of this folder
/// (not whatever owns port 5080) and can tell a Reactive service from another program.
/// </summary>
internal sealed class ServiceInstance
{
    /// <summary>What <c>GET /api/instance</c> answers in <c>service</c>: this is a Reactive service.</summary>
    public const string ServiceName = "reactive";

    /// <summary>The file's name in the run state directory.</summary>
    public const string FileName = "instance.json";

    /// <summary>The instance's id: 8 hex digits, new at each start.</summary>
    public string Id { get; } = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));

    /// <summary>What an instance file or <c>/api/instance</c> holds.</summary>
    /// <param name="Service">Always <see cref="ServiceName"/>.</param>
    /// <param name="Id">The instance's id.</param>
    /// <param name="Url">Where its HTTP API listens.</param>
    /// <param name="Pid">Its process.</param>
    /// <param name="Pipelines">Its pipelines.</param>
    internal sealed record Description(string Service, string Id, string? Url, int Pid, IReadOnlyList<string> Pipelines);

    /// <summary>Writes <c>instance.json</c> to <paramref name="directory"/> (made if missing), under a temporary name renamed over the old one.</summary>
    public string Write(string directory, string url, IReadOnlyList<string> pipelines)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, FileName);
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(new Description(ServiceName, Id, url, Environment.ProcessId, pipelines), Json));
        File.Move(temporary, path, overwrite: true);

        return path;
    }

    /// <summary>Deletes <c>instance.json</c> from <paramref name="directory"/> if it is still this instance's.</summary>
    public void Remove(string directory)
    {
        var path = Path.Combine(directory, FileName);
        if (Read(path) is { } description && description.Id == Id)
        {
            File.Delete(path);
        }
    }

    /// <summary>The instance file at <paramref name="path"/>, or null when there is none or it is not one.</summary>
    public static Description? Read(string path)
    {
        try
        {
            return File.Exists(path) ? JsonSerializer.Deserialize<Description>(File.ReadAllText(path), Json) : null;
        }
        catch (Exception ex) when (ex is IOException or JsonException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>How descriptions are written and read (camelCase, as the API answers).</summary>
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Maps <c>GET /api/instance</c>: this instance (the one registered, else a new id) and its pipelines.</summary>
    public static void Map(WebApplication app)
    {
        var instance = app.Services.GetService<ServiceInstance>() ?? new ServiceInstance();
        app.MapGet("/api/instance", (HttpContext context, PipelineProgressRegistry registry) =>
            Results.Json(new Description(ServiceName, instance.Id, $"{context.Request.Scheme}://{context.Request.Host}", Environment.ProcessId, [.. registry.All.Select(p => p.Name)]), Json));
    }
}

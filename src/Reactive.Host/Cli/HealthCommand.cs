namespace Reactive.Host.Cli;

/// <summary>
/// <c>health [--url URL]</c>: asks a running service's health endpoint and exits 0 when it answers 2xx, 1 otherwise — the
/// containers' <c>HEALTHCHECK</c>. The ASP.NET runtime image has no curl or wget; the executable is already there, so it
/// checks itself. Also compiled into the wallet simulator (its own default URL), one copy for both.
/// </summary>
internal static class HealthCommand
{
    /// <summary>How long one check may take (Docker's own <c>--timeout</c> bounds it too).</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    /// <summary>Runs the check; <paramref name="name"/> starts its lines (<c>reactive health</c>).</summary>
    public static async Task<int> RunAsync(string[] args, string name, Uri defaultUrl, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(args);
        var url = defaultUrl;
        if (args is ["--url", var given] && !(Uri.TryCreate(given, UriKind.Absolute, out url) && url.Scheme is "http" or "https"))
        {
            await stderr.WriteLineAsync($"{name}: --url must be an absolute http URL such as {defaultUrl} (was '{given}')").ConfigureAwait(false);
            return 2;
        }

        if (args is not ([] or ["--url", _]))
        {
            await stderr.WriteLineAsync($"{name}: usage: {name} [--url {defaultUrl}]").ConfigureAwait(false);
            return 2;
        }

        using var http = new HttpClient { Timeout = Timeout };
        try
        {
            using var response = await http.GetAsync(url).ConfigureAwait(false);
            var text = (await response.Content.ReadAsStringAsync().ConfigureAwait(false)).Trim();
            var line = $"{name}: {url} answered {(int)response.StatusCode} {(text.Length > 200 ? text[..200] + "…" : text)}";
            await (response.IsSuccessStatusCode ? stdout : stderr).WriteLineAsync(line).ConfigureAwait(false);
            return response.IsSuccessStatusCode ? 0 : 1;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            await stderr.WriteLineAsync($"{name}: {url} did not answer: {ex.Message}").ConfigureAwait(false);
            return 1;
        }
    }
}

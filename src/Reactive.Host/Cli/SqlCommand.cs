using System.CommandLine;
using Reactive.Host.Instances;
using Reactive.Host.Settings;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Reactive.Host.Cli;

/// <summary>
/// <c>reactive sql "SELECT …" [--json] [--url http://127.0.0.1:5080]</c>: runs a query against the
/// running service (<c>POST /api/sql</c>) and prints the rows as a table, or the JSON with <c>--json</c>.
/// </summary>
public static class SqlCommand
{
    /// <summary>Exit code: the query ran.</summary>
    public const int Ok = 0;

    /// <summary>Exit code: the service refused or failed the query.</summary>
    public const int QueryFailed = 1;

    /// <summary>Exit code: bad command line.</summary>
    public const int Usage = 2;

    /// <summary>Exit code: the service could not be reached.</summary>
    public const int Unreachable = 3;

    private const string DefaultUrl = "http://127.0.0.1:5080";

    /// <summary>The lines of its help after <c>usage:</c>.</summary>
    private const string Help = """
          reactive sql "SELECT …" [--json] [--url URL]
        Runs one read-only SELECT on the running service's memory tables and prints the rows.
        """;

    /// <summary>Runs the command.</summary>
    /// <param name="args">The arguments after <c>sql</c> (a leading <c>sql</c> is skipped too).</param>
    /// <param name="stdout">Where rows go.</param>
    /// <param name="stderr">Where errors go.</param>
    /// <param name="cancellationToken">Stops the request.</param>
    /// <returns>0 when the query ran, 1 when it failed, 2 on a bad command line, 3 when the service is unreachable.</returns>
    public static Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        return CommandLine.RunAsync(args.Length > 0 && args[0] == "sql" ? args : ["sql", .. args], stdout, stderr, cancellationToken);
    }

    /// <summary><c>reactive sql</c>: the query's words as its arguments, <c>--json</c> and <c>--url</c>.</summary>
    /// <param name="stdout">Where rows go.</param>
    /// <param name="stderr">Where errors and who answered go.</param>
    /// <param name="configuration">Configuration keys of the command line (<c>--Reactive:DataDirectory d</c>): where the service's instance file is.</param>
    internal static CliCommand Create(TextWriter stdout, TextWriter stderr, IReadOnlyList<string> configuration)
    {
        var words = new Argument<string[]>("SQL") { Arity = ArgumentArity.OneOrMore, Description = "one SELECT; its words are joined by spaces" };
        var jsonOption = new Option<bool>("--json") { Arity = ArgumentArity.Zero, Description = "print the service's JSON answer instead of a table" };
        var urlOption = new Option<string>("--url")
        {
            HelpName = "URL",
            Description = "the service's address (default: $REACTIVE_URL, else the service started in this folder (its data/state/instance.json), else the first of $ASPNETCORE_URLS, else http://127.0.0.1:5080)",
        };
        var command = new CliCommand("sql", "reactive sql", Help) { Description = "Queries the running service's tables." };
        command.Arguments.Add(words);
        command.Options.Add(jsonOption);
        command.Options.Add(urlOption);
        words.Validators.Add(result =>
        {
            // The query is never an option: "--jsno" is a misspelt --json, not SQL.
            if (result.Tokens.FirstOrDefault(t => t.Value.StartsWith("--", StringComparison.Ordinal)) is { } token)
            {
                result.AddError($"{token.Value}: not an argument of 'sql'{Suggestions.Nearest(token.Value, ["--json", "--url", "--help"])}");
            }
        });
        command.HintWhenMissing(urlOption, "needs a value, like --url http://127.0.0.1:5080");
        command.SetAction((result, cancellation) =>
            QueryAsync(string.Join(' ', result.GetValue(words) ?? []), result.GetValue(jsonOption), result.GetValue(urlOption), configuration, stdout, stderr, cancellation));
        return command;
    }

    private static async Task<int> QueryAsync(string sql, bool json, string? url, IReadOnlyList<string> configuration, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var expected = url is null ? ServiceFinder.FromInstanceFile(configuration) : null;
        url ??= Environment.GetEnvironmentVariable("REACTIVE_URL") is { Length: > 0 } variable ? variable : expected?.Url ?? DefaultServiceUrl();
        if (!Uri.TryCreate(url, UriKind.Absolute, out var baseUri) || (baseUri.Scheme != Uri.UriSchemeHttp && baseUri.Scheme != Uri.UriSchemeHttps))
        {
            await stderr.WriteLineAsync($"'{url}' is not an http(s) address.").ConfigureAwait(false);
            return Usage;
        }

        using var client = new HttpClient { BaseAddress = baseUri, Timeout = TimeSpan.FromMinutes(11) };
        HttpResponseMessage response;
        string answeredBy;
        try
        {
            // Which service answers, before it is asked anything: another program on the port is refused.
            var (instance, refusal) = await ServiceFinder.IdentifyAsync(client, cancellationToken).ConfigureAwait(false);
            if (instance is null)
            {
                await stderr.WriteLineAsync($"reactive sql: {baseUri} is not a Reactive service ({refusal}); give the service's address with --url").ConfigureAwait(false);
                return Unreachable;
            }

            if (expected is not null && expected.Id != instance.Id)
            {
                await stderr.WriteLineAsync($"reactive sql: the instance file names reactive {expected.Id}, but reactive {instance.Id} answers at {baseUri} (the file is stale)").ConfigureAwait(false);
            }

            answeredBy = $"-- answered by reactive {instance.Id} at {baseUri.Authority}, pipelines: {(instance.Pipelines.Count == 0 ? "none" : string.Join(", ", instance.Pipelines))}";
            response = await client.PostAsJsonAsync("/api/sql", new { sql }, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            await stderr.WriteLineAsync($"Cannot reach the service at {baseUri}: {ex.Message} (is it running? start it with `reactive`, or give its address with --url)").ConfigureAwait(false);
            return Unreachable;
        }

        // Said last, on standard error: the rows (or --json's document) stay as they were on standard output.
        var exit = await ShowAsync(response, json, stdout, stderr, cancellationToken).ConfigureAwait(false);
        await stderr.WriteLineAsync(answeredBy).ConfigureAwait(false);
        return exit;
    }

    private static async Task<int> ShowAsync(HttpResponseMessage response, bool json, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                if (json)
                {
                    await stdout.WriteLineAsync(body).ConfigureAwait(false);
                }

                await stderr.WriteLineAsync(DescribeProblem((int)response.StatusCode, body)).ConfigureAwait(false);
                return QueryFailed;
            }

            if (json)
            {
                await stdout.WriteLineAsync(body).ConfigureAwait(false);
                return Ok;
            }

            using var document = JsonDocument.Parse(body);
            await stdout.WriteAsync(FormatTable(document.RootElement)).ConfigureAwait(false);
            if (document.RootElement.TryGetProperty("truncated", out var truncated) && truncated.ValueKind == JsonValueKind.True)
            {
                await stderr.WriteLineAsync("The result was cut at the service's row limit (Sql:MaxRows).").ConfigureAwait(false);
            }

            return Ok;
        }
    }

    /// <summary>Formats a <c>POST /api/sql</c> answer as a table, as Spark's <c>show()</c> does (values right-aligned).</summary>
    internal static string FormatTable(JsonElement result)
    {
        var columns = result.GetProperty("columns").EnumerateArray().Select(c => c.GetProperty("name").GetString() ?? string.Empty).ToList();
        var rows = result.GetProperty("rows").EnumerateArray()
            .Select(r => r.EnumerateArray().Select(FormatValue).ToList())
            .ToList();
        var widths = columns.Select((c, i) => Math.Max(c.Length, rows.Count == 0 ? 0 : rows.Max(r => r[i].Length))).ToList();
        var text = new StringBuilder();
        var border = "+" + string.Join("+", widths.Select(w => new string('-', w))) + "+\n";
        text.Append(border);
        text.Append('|').AppendJoin("|", columns.Select((c, i) => c.PadLeft(widths[i]))).Append("|\n");
        text.Append(border);
        foreach (var row in rows)
        {
            text.Append('|').AppendJoin("|", row.Select((v, i) => v.PadLeft(widths[i]))).Append("|\n");
        }

        text.Append(border);
        text.Append(CultureInfo.InvariantCulture, $"({rows.Count} {(rows.Count == 1 ? "row" : "rows")})\n");
        return text.ToString();
    }

    private static string FormatValue(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Null => "null",
        JsonValueKind.String => value.GetString() ?? string.Empty,
        _ => value.GetRawText(),
    };

    private static string DescribeProblem(int status, string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            var title = root.TryGetProperty("title", out var t) ? t.GetString() : null;
            var detail = root.TryGetProperty("detail", out var d) ? d.GetString() : null;
            return $"{title ?? "Error"} ({status}): {detail ?? string.Empty}".TrimEnd(' ', ':');
        }
        catch (JsonException)
        {
            return $"The service answered {status}.";
        }
    }

    private static string DefaultServiceUrl()
    {
        var url = Environment.GetEnvironmentVariable("REACTIVE_URL");
        if (!string.IsNullOrWhiteSpace(url))
        {
            return url;
        }

        var urls = Environment.GetEnvironmentVariable("ASPNETCORE_URLS");
        var first = urls?.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault(u => u.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
            ?? urls?.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
        if (first is null)
        {
            return DefaultUrl;
        }

        // A wildcard host means "every interface"; the service is reachable on the loopback one.
        return first.Replace("://*", "://127.0.0.1", StringComparison.Ordinal)
            .Replace("://+", "://127.0.0.1", StringComparison.Ordinal)
            .Replace("://0.0.0.0", "://127.0.0.1", StringComparison.Ordinal)
            .Replace("://[::]", "://127.0.0.1", StringComparison.Ordinal);
    }
}

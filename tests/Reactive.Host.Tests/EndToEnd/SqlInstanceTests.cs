using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Reactive.Host.Tests.Cli;

namespace Reactive.Host.Tests.EndToEnd;

/// <summary>
/// <c>reactive sql</c> knows which service it asks: the one started in the same folder (its instance file), says which
/// instance answered, refuses a program that is not a Reactive service, and exits 3 when nothing answers.
/// </summary>
public sealed class SqlInstanceTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Sql_WithoutUrl_AsksTheServiceOfThisFolderAndSaysWhichAnswered()
    {
        var work = ServiceProcess.NewWorkingDirectory();
        await using var service = ServiceProcess.Start(work, null, "--urls", "http://127.0.0.1:0", "--pipelines", "sample-wordcount");
        var url = await service.WaitForUrlAsync(Deadline);
        var file = Path.Combine(work, "data", "state", "instance.json");
        await ServiceProcess.WaitForAsync(() => File.Exists(file), Deadline, "the instance file");
        using var http = new HttpClient { BaseAddress = url };
        var id = (await http.GetFromJsonAsync<JsonElement>("/api/instance")).GetProperty("id").GetString()!;
        using (var written = JsonDocument.Parse(File.ReadAllText(file)))
        {
            Assert.Equal(id, written.RootElement.GetProperty("id").GetString());
            Assert.Equal(url, new Uri(written.RootElement.GetProperty("url").GetString()!));
        }

        // Another process, in the same folder, with no --url: as a user types it.
        await using var table = ServiceProcess.Start(work, null, "sql", "SELECT 6 * 7 AS answer");
        Assert.Equal(0, await table.WaitForExitAsync(Deadline));
        Assert.Contains("|    42|", table.Stdout, StringComparison.Ordinal);
        Assert.Equal($"-- answered by reactive {id} at {url.Authority}, pipelines: sample-wordcount", table.Stderr.Trim());

        await using var json = ServiceProcess.Start(work, null, "sql", "--json", "SELECT 6 * 7 AS answer");
        Assert.Equal(0, await json.WaitForExitAsync(Deadline));
        using (var document = JsonDocument.Parse(json.Stdout)) // --json stays parseable: who answered goes to stderr
        {
            Assert.Equal(42, document.RootElement.GetProperty("rows")[0][0].GetInt32());
        }

        Assert.Equal(0, await service.TerminateAsync(Deadline));
        Assert.False(File.Exists(file)); // a stopped service leaves no file naming it
    }

    [Fact]
    public async Task Sql_ProgramThatIsNotReactive_IsRefusedWithExitThree()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        await using var other = builder.Build();
        other.MapPost("/api/sql", () => Results.Json(new { columns = Array.Empty<object>(), rows = Array.Empty<object>() }));
        await other.StartAsync();
        var address = other.Urls.First();

        var (exit, stdout, stderr) = CliRunner.Run("sql", "--url", address, "SELECT 1");

        Assert.Equal(3, exit);
        Assert.Equal("", stdout);
        Assert.Contains("is not a Reactive service (GET /api/instance answered 404)", stderr, StringComparison.Ordinal);
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Reactive.Host.Tests.Http;

/// <summary>Issue 16 point 5: the HTTP surface only for whom it is meant (host names, origins, content types).</summary>
public sealed class HttpAccessTests
{
    private const string Query = "{\"sql\":\"SELECT 1 AS one\"}";

    [Theory]
    [InlineData("evil.example")]
    [InlineData("evil.example:5080")]
    [InlineData("192.168.1.20")]
    public async Task Host_NotALoopbackName_Is400(string host)
    {
        await using var server = await ApiServer.StartAsync();

        using var tables = await SendAsync(server, HttpMethod.Get, "/api/tables", host: host);
        using var sql = await SendAsync(server, HttpMethod.Post, "/api/sql", host: host, json: Query);

        Assert.Equal(HttpStatusCode.BadRequest, tables.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, sql.StatusCode);
        Assert.DoesNotContain("\"rows\"", await sql.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain(server.Logs.Entries, e => e.HasStackTrace);
    }

    [Theory]
    [InlineData("localhost")]
    [InlineData("127.0.0.1")]
    [InlineData("[::1]")]
    public async Task Host_LoopbackName_IsServed(string host)
    {
        await using var server = await ApiServer.StartAsync();

        using var response = await SendAsync(server, HttpMethod.Post, "/api/sql", host: $"{host}:{server.Address.Port}", json: Query);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Host_ConfiguredAllowedHosts_AreServedInstead()
    {
        await using var server = await ApiServer.StartAsync(new Dictionary<string, string?> { ["AllowedHosts"] = "reactive.example" });

        using var named = await SendAsync(server, HttpMethod.Get, "/api/tables", host: "reactive.example");
        using var loopback = await SendAsync(server, HttpMethod.Get, "/api/tables", host: "localhost");

        Assert.Equal(HttpStatusCode.OK, named.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, loopback.StatusCode);
    }

    [Theory]
    [InlineData("POST", "/api/sql")]
    [InlineData("GET", "/api/tables")]
    [InlineData("GET", "/api/pipelines")]
    [InlineData("GET", "/api/deadletters")]
    [InlineData("GET", "/metrics")]
    public async Task Origin_OfAnotherSite_Is403(string method, string path)
    {
        await using var server = await ApiServer.StartAsync();

        using var response = await SendAsync(server, new HttpMethod(method), path, origin: "http://evil.example", json: method == "POST" ? Query : null);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(body);
        Assert.Equal("Http:AllowedOrigins", json.RootElement.GetProperty("setting").GetString());
        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
        Assert.DoesNotContain(server.Logs.Entries, e => e.HasStackTrace);
    }

    [Theory]
    [InlineData("null")]
    [InlineData("http://127.0.0.1:1")]
    [InlineData("https://127.0.0.1")]
    public async Task Origin_OtherThanTheServicesOwn_Is403(string origin)
    {
        await using var server = await ApiServer.StartAsync();

        using var response = await SendAsync(server, HttpMethod.Post, "/api/sql", origin: origin, json: Query);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Origin_SameOriginOrNone_IsServedWithoutCors()
    {
        await using var server = await ApiServer.StartAsync();
        var own = server.Address.GetLeftPart(UriPartial.Authority);

        using var sameSql = await SendAsync(server, HttpMethod.Post, "/api/sql", origin: own, json: Query);
        using var sameTables = await SendAsync(server, HttpMethod.Get, "/api/tables", origin: own);
        using var noneSql = await SendAsync(server, HttpMethod.Post, "/api/sql", json: Query);
        using var localhost = await SendAsync(server, HttpMethod.Post, "/api/sql", host: $"localhost:{server.Address.Port}", origin: $"http://localhost:{server.Address.Port}", json: Query);

        Assert.Equal(HttpStatusCode.OK, sameSql.StatusCode);
        Assert.Equal(HttpStatusCode.OK, sameTables.StatusCode);
        Assert.Equal(HttpStatusCode.OK, noneSql.StatusCode);
        Assert.Equal(HttpStatusCode.OK, localhost.StatusCode);
        Assert.False(sameSql.Headers.Contains("Access-Control-Allow-Origin"));
        using var json = JsonDocument.Parse(await sameSql.Content.ReadAsStringAsync());
        Assert.Equal(1, json.RootElement.GetProperty("rows")[0][0].GetInt64());
    }

    [Fact]
    public async Task Origin_Configured_IsServedWithCors()
    {
        await using var server = await ApiServer.StartAsync(new Dictionary<string, string?> { ["Http:AllowedOrigins:0"] = "http://localhost:3000" });

        using var preflight = await SendAsync(server, HttpMethod.Options, "/api/sql", origin: "http://localhost:3000", headers: new()
        {
            ["Access-Control-Request-Method"] = "POST",
            ["Access-Control-Request-Headers"] = "content-type",
        });
        using var sql = await SendAsync(server, HttpMethod.Post, "/api/sql", origin: "http://localhost:3000", json: Query);
        using var other = await SendAsync(server, HttpMethod.Post, "/api/sql", origin: "http://localhost:3001", json: Query);

        Assert.True(preflight.IsSuccessStatusCode, $"preflight: {(int)preflight.StatusCode}");
        Assert.Equal("http://localhost:3000", preflight.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Equal(HttpStatusCode.OK, sql.StatusCode);
        Assert.Equal("http://localhost:3000", sql.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
    }

    [Fact]
    public async Task Origin_BadConfiguredOrigin_StopsTheStartNamingTheKey()
    {
        var error = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(
            () => ApiServer.StartAsync(new Dictionary<string, string?> { ["Http:AllowedOrigins:0"] = "localhost:3000/app" }));

        Assert.Contains("Http:AllowedOrigins", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("text/plain; charset=utf-8")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("multipart/form-data; boundary=x")]
    [InlineData(null)]
    public async Task Sql_NotJson_Is415AndDoesNotRun(string? contentType)
    {
        await using var server = await ApiServer.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/sql") { Content = new ByteArrayContent(Encoding.UTF8.GetBytes("SELECT 1")) };
        if (contentType is not null)
        {
            request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }

        using var response = await server.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("application/json", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sql_JsonWithCharset_IsServed()
    {
        await using var server = await ApiServer.StartAsync();

        using var response = await server.Client.PostAsJsonAsync("/api/sql", new { sql = "SELECT 1" });

        Assert.Equal("application/json", response.RequestMessage!.Content!.Headers.ContentType!.MediaType);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static async Task<HttpResponseMessage> SendAsync(
        ApiServer server, HttpMethod method, string path, string? host = null, string? origin = null, string? json = null, Dictionary<string, string>? headers = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (host is not null)
        {
            request.Headers.Host = host;
        }

        if (origin is not null)
        {
            request.Headers.TryAddWithoutValidation("Origin", origin);
        }

        foreach (var (name, value) in headers ?? [])
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        return await server.Client.SendAsync(request);
    }
}

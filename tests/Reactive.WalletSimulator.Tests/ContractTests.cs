using System.Net;
using System.Text.Json;
using static Reactive.WalletSimulator.Tests.SimulatorServer;

namespace Reactive.WalletSimulator.Tests;

/// <summary>The course's contract over HTTP: <c>info</c> answers a one-element JSON array, <c>buy</c> and <c>sell</c> a text and a status.</summary>
public sealed class ContractTests
{
    [Theory]
    [InlineData("/info/?user_id=alice")]
    [InlineData("/info?user_id=alice")]
    public async Task Info_KnownUser_AnswersAnArrayOfOneBalance(string path)
    {
        await using var server = await StartAsync();

        using var response = await server.Client.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var only = Assert.Single(JsonDocument.Parse(text).RootElement.EnumerateArray());
        Assert.Equal(["bitcoin", "euro"], only.EnumerateObject().Select(p => p.Name));
        Assert.Equal(2m, only.GetProperty("bitcoin").GetDecimal());
        Assert.Equal(1000m, only.GetProperty("euro").GetDecimal());
        Assert.Equal("""[{"bitcoin":2,"euro":1000}]""", text);
    }

    [Fact]
    public async Task Buy_Executes_AnswersTextAndMovesBothBalances()
    {
        await using var server = await StartAsync();

        using var response = await server.Client.GetAsync(OrderPath("buy", Alice, AliceKey, "0.5"));
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("order 1 executed: bought 0.5 bitcoin at 100 euro for 50.00 euro", text);
        Assert.Equal((2.5m, 950m), await server.BalanceAsync(Alice));
        Assert.Equal((0m, 500m), await server.BalanceAsync(Bob));
        var entry = Assert.Single(await server.AuditAsync(Alice));
        Assert.Equal(["id", "user_id", "side", "amount", "price", "euro_delta", "time", "idempotency_key"], entry.EnumerateObject().Select(p => p.Name));
        Assert.Equal(1, entry.GetProperty("id").GetInt64());
        Assert.Equal("alice", entry.GetProperty("user_id").GetString());
        Assert.Equal("buy", entry.GetProperty("side").GetString());
        Assert.Equal(0.5m, entry.GetProperty("amount").GetDecimal());
        Assert.Equal(100m, entry.GetProperty("price").GetDecimal());
        Assert.Equal(-50m, entry.GetProperty("euro_delta").GetDecimal());
        Assert.Equal(JsonValueKind.Null, entry.GetProperty("idempotency_key").ValueKind);
    }

    [Fact]
    public async Task Sell_Executes_AnswersTextAndMovesBothBalances()
    {
        await using var server = await StartAsync();

        var answer = await server.SellAsync(Alice, AliceKey, "1.25");

        Assert.Equal((HttpStatusCode.OK, "order 1 executed: sold 1.25 bitcoin at 100 euro for 125.00 euro"), answer);
        Assert.Equal((0.75m, 1125m), await server.BalanceAsync(Alice));
        var entry = Assert.Single(await server.AuditAsync());
        Assert.Equal("sell", entry.GetProperty("side").GetString());
        Assert.Equal(125m, entry.GetProperty("euro_delta").GetDecimal());
    }

    [Fact]
    public async Task Orders_CostRoundsUpToTheCent_ProceedsRoundDown()
    {
        await using var server = await StartAsync(new Dictionary<string, string?> { ["Simulator:Price:Euro"] = "33333.333" });

        var bought = await server.BuyAsync(Alice, AliceKey, "0.001");
        var sold = await server.SellAsync(Alice, AliceKey, "0.001");

        // 0.001 × 33333.333 = 33.333333 euro: the buyer pays 33.34, the seller gets 33.33.
        Assert.Equal((HttpStatusCode.OK, "order 1 executed: bought 0.001 bitcoin at 33333.333 euro for 33.34 euro"), bought);
        Assert.Equal((HttpStatusCode.OK, "order 2 executed: sold 0.001 bitcoin at 33333.333 euro for 33.33 euro"), sold);
        Assert.Equal((2m, 999.99m), await server.BalanceAsync(Alice));
    }

    [Fact]
    public async Task Orders_ExponentAndTrailingZeros_ReadAsTheSameAmount()
    {
        await using var server = await StartAsync();

        Assert.Equal(HttpStatusCode.OK, (await server.BuyAsync(Alice, AliceKey, "1e-1")).Status);
        Assert.Equal(HttpStatusCode.OK, (await server.BuyAsync(Alice, AliceKey, "0.10000000000")).Status);

        Assert.Equal((2.2m, 980m), await server.BalanceAsync(Alice));
    }

    [Fact]
    public async Task AdminEndpoints_NotEnabled_AnswerNotFound()
    {
        await using var server = await StartAsync(new Dictionary<string, string?> { ["Simulator:Admin:Enabled"] = "false" });

        Assert.Equal(HttpStatusCode.NotFound, (await server.GetAsync("/admin/audit")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await server.GetAsync("/admin/price")).Status);
        using var post = await server.Client.PostAsync("/admin/faults", new StringContent("""{"error_rate":1}""", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.NotFound, post.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await server.BuyAsync(Alice, AliceKey, "0.1")).Status);
    }

    [Theory]
    [InlineData("evil.example", HttpStatusCode.BadRequest)]
    [InlineData("localhost", HttpStatusCode.OK)]
    public async Task HostHeader_OnlyLoopbackNamesByDefault(string host, HttpStatusCode status)
    {
        await using var server = await StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/info/?user_id=alice");
        request.Headers.Host = host;

        using var response = await server.Client.SendAsync(request);

        Assert.Equal(status, response.StatusCode);
    }
}

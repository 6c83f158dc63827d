using System.Net;
using System.Net.Http.Json;
using static Reactive.WalletSimulator.Tests.SimulatorServer;

namespace Reactive.WalletSimulator.Tests;

/// <summary>The <c>Idempotency-Key</c> header: one execution per key and user, the first answer again, a different order refused.</summary>
public sealed class IdempotencyTests
{
    [Fact]
    public async Task SameKeyTwice_ExecutesOnce_AnswersTheSameStatusAndText()
    {
        await using var server = await StartAsync();

        using var first = await SendAsync(server, OrderPath("buy", Alice, AliceKey, "0.5"), "decision-42");
        using var second = await SendAsync(server, OrderPath("buy", Alice, AliceKey, "0.50"), "decision-42");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(first.StatusCode, second.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await second.Content.ReadAsStringAsync());
        Assert.False(first.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal(["true"], second.Headers.GetValues("Idempotent-Replayed"));
        var entry = Assert.Single(await server.AuditAsync(Alice));
        Assert.Equal("decision-42", entry.GetProperty("idempotency_key").GetString());
        Assert.Equal((2.5m, 950m), await server.BalanceAsync(Alice));
    }

    [Theory]
    [InlineData("buy", "0.6", "Idempotency-Key 'decision-7' was used for order 1 (buy 0.5 bitcoin); this request is buy 0.6: a new order needs a new key")]
    [InlineData("sell", "0.5", "Idempotency-Key 'decision-7' was used for order 1 (buy 0.5 bitcoin); this request is sell 0.5: a new order needs a new key")]
    public async Task SameKeyOtherOrder_Refused422_NothingChanged(string side, string amount, string text)
    {
        await using var server = await StartAsync();
        Assert.Equal(HttpStatusCode.OK, (await server.BuyAsync(Alice, AliceKey, "0.5", "decision-7")).Status);

        var answer = await server.GetAsync(OrderPath(side, Alice, AliceKey, amount), "decision-7");

        Assert.Equal((HttpStatusCode.UnprocessableEntity, text), answer);
        Assert.Single(await server.AuditAsync());
        Assert.Equal((2.5m, 950m), await server.BalanceAsync(Alice));
    }

    [Fact]
    public async Task SameKeyTwoUsers_EachExecutes()
    {
        await using var server = await StartAsync();

        Assert.Equal(HttpStatusCode.OK, (await server.BuyAsync(Alice, AliceKey, "1", "shared")).Status);
        Assert.Equal(HttpStatusCode.OK, (await server.BuyAsync(Bob, BobKey, "1", "shared")).Status);

        Assert.Equal(2, (await server.AuditAsync()).Count);
    }

    [Fact]
    public async Task SameKeyTwentyTimesAtOnce_ExecutesOnce_EveryAnswerTheSame()
    {
        await using var server = await StartAsync();

        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(() => server.BuyAsync(Alice, AliceKey, "0.1", "burst"))));

        Assert.Single(answers.Distinct());
        Assert.Equal(HttpStatusCode.OK, answers[0].Status);
        Assert.Single(await server.AuditAsync());
        Assert.Equal((2.1m, 990m), await server.BalanceAsync(Alice));
    }

    [Fact]
    public async Task RefusedOrder_KeyNotSpent_SameKeyExecutesOnceTheOrderFits()
    {
        await using var server = await StartAsync();

        // 6 bitcoin at 100 euro: 600 euro, bob has 500. At 50 euro the same order fits.
        var refused = await server.BuyAsync(Bob, BobKey, "6", "bob-1");
        using var cheaper = await server.Client.PostAsJsonAsync("/admin/price", new { euro = 50 });
        var executed = await server.BuyAsync(Bob, BobKey, "6", "bob-1");

        Assert.Equal(HttpStatusCode.Conflict, refused.Status);
        Assert.Equal((HttpStatusCode.OK, "order 1 executed: bought 6 bitcoin at 50 euro for 300.00 euro"), executed);
        Assert.Equal("bob-1", Assert.Single(await server.AuditAsync(Bob)).GetProperty("idempotency_key").GetString());
    }

    private static async Task<HttpResponseMessage> SendAsync(SimulatorServer server, string path, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("Idempotency-Key", key);
        return await server.Client.SendAsync(request);
    }
}

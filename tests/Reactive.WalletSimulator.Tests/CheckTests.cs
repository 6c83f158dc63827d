using System.Net;
using static Reactive.WalletSimulator.Tests.SimulatorServer;

namespace Reactive.WalletSimulator.Tests;

/// <summary>
/// Every refusal over HTTP: its status, its text, and nothing changed — both users' balances and the audit log are as
/// before. One simulator serves the class (alice: 1000 euro, 2 bitcoin; price 100 euro; at most 10 bitcoin an order).
/// </summary>
public sealed class CheckTests : IAsyncLifetime
{
    private SimulatorServer _server = null!;

    public static TheoryData<string, int, string> Refusals => new()
    {
        // who
        { "/buy/?amount=1&user_id=carol&access_key=" + AliceKey, 404, "unknown user carol" },
        { "/sell/?amount=1&user_id=carol&access_key=x", 404, "unknown user carol" },
        { "/buy/?amount=1&access_key=" + AliceKey, 400, "user_id is required" },
        { "/buy/?amount=1&user_id=&access_key=" + AliceKey, 400, "user_id is required" },
        { "/buy/?amount=1&user_id=alice&user_id=bob&access_key=" + AliceKey, 400, "user_id is given more than once" },
        { "/buy/?amount=1&user_id=ALICE&access_key=" + AliceKey, 404, "unknown user ALICE" },
        // the key
        { "/buy/?amount=1&user_id=alice", 403, "access_key is required for user alice" },
        { "/buy/?amount=1&user_id=alice&access_key=", 403, "access_key is required for user alice" },
        { "/buy/?amount=1&user_id=alice&access_key=wrong", 403, "wrong access_key for user alice" },
        { "/buy/?amount=1&user_id=alice&access_key=" + BobKey, 403, "wrong access_key for user alice" },
        { "/sell/?amount=1&user_id=alice&access_key=" + AliceKey + "0", 403, "wrong access_key for user alice" },
        { "/sell/?amount=1&user_id=alice&access_key=" + "ALICE-TEST-KEY-0123456789", 403, "wrong access_key for user alice" },
        { "/sell/?amount=1&user_id=alice&access_key=alice-test-key", 403, "wrong access_key for user alice" },
        { "/buy/?amount=1&user_id=alice&access_key=" + AliceKey + "&access_key=" + AliceKey, 400, "access_key is given more than once" },
        // the amount
        { "/buy/?user_id=alice&access_key=" + AliceKey, 400, "amount is required: a positive number of bitcoin" },
        { "/buy/?amount=&user_id=alice&access_key=" + AliceKey, 400, "amount is required: a positive number of bitcoin" },
        { "/buy/?amount=0&user_id=alice&access_key=" + AliceKey, 400, "amount must be a positive finite number of bitcoin (got '0')" },
        { "/sell/?amount=-1&user_id=alice&access_key=" + AliceKey, 400, "amount must be a positive finite number of bitcoin (got '-1')" },
        { "/buy/?amount=abc&user_id=alice&access_key=" + AliceKey, 400, "amount must be a positive finite number of bitcoin (got 'abc')" },
        { "/buy/?amount=NaN&user_id=alice&access_key=" + AliceKey, 400, "amount must be a positive finite number of bitcoin (got 'NaN')" },
        { "/buy/?amount=Infinity&user_id=alice&access_key=" + AliceKey, 400, "amount must be a positive finite number of bitcoin (got 'Infinity')" },
        { "/buy/?amount=1e400&user_id=alice&access_key=" + AliceKey, 400, "amount must be a positive finite number of bitcoin (got '1e400')" },
        { "/buy/?amount=%201&user_id=alice&access_key=" + AliceKey, 400, "amount must be a positive finite number of bitcoin (got ' 1')" },
        { "/buy/?amount=1,5&user_id=alice&access_key=" + AliceKey, 400, "amount must be a positive finite number of bitcoin (got '1,5')" },
        { "/buy/?amount=1&amount=2&user_id=alice&access_key=" + AliceKey, 400, "amount is given more than once" },
        { "/buy/?amount=0.000000001&user_id=alice&access_key=" + AliceKey, 400, "amount has more than 8 decimals (got '0.000000001'); the smallest amount is 0.00000001 bitcoin" },
        { "/sell/?amount=1.123456789&user_id=alice&access_key=" + AliceKey, 400, "amount has more than 8 decimals (got '1.123456789'); the smallest amount is 0.00000001 bitcoin" },
        { "/buy/?amount=10.00000001&user_id=alice&access_key=" + AliceKey, 400, "amount 10.00000001 is above the largest order, 10 bitcoin" },
        { "/sell/?amount=1e6&user_id=alice&access_key=" + AliceKey, 400, "amount 1000000 is above the largest order, 10 bitcoin" },
        { "/sell/?amount=0.00000001&user_id=alice&access_key=" + AliceKey, 400, "order too small: 0.00000001 bitcoin at 100 euro is worth less than 0.01 euro" },
        // the balance
        { "/buy/?amount=10.01&user_id=alice&access_key=" + AliceKey, 400, "amount 10.01 is above the largest order, 10 bitcoin" },
        { "/sell/?amount=2.00000001&user_id=alice&access_key=" + AliceKey, 409, "insufficient bitcoin: selling 2.00000001 bitcoin, the balance is 2 bitcoin" },
        { "/buy/?amount=5.0001&user_id=bob&access_key=" + BobKey, 409, "insufficient euro: buying 5.0001 bitcoin at 100 euro costs 500.01 euro, the balance is 500.00 euro" },
        { "/sell/?amount=0.1&user_id=bob&access_key=" + BobKey, 409, "insufficient bitcoin: selling 0.1 bitcoin, the balance is 0 bitcoin" },
    };

    public async Task InitializeAsync() => _server = await StartAsync(new Dictionary<string, string?> { ["Simulator:Price:Euro"] = "100" });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task Order_Refused_ClearTextAndNothingChanged(string path, int status, string text)
    {
        var before = await StateAsync();

        var (actualStatus, actualText) = await _server.GetAsync(path);

        Assert.Equal((status, text), ((int)actualStatus, actualText));
        Assert.DoesNotContain(AliceKey, actualText, StringComparison.Ordinal);
        Assert.DoesNotContain(BobKey, actualText, StringComparison.Ordinal);
        Assert.Equal(before, await StateAsync());
    }

    [Theory]
    [InlineData("/info/?user_id=carol", 404, "unknown user carol")]
    [InlineData("/info/", 400, "user_id is required")]
    [InlineData("/info/?user_id=alice&user_id=bob", 400, "user_id is given more than once")]
    public async Task Info_Refused_ClearText(string path, int status, string text)
    {
        var (actualStatus, actualText) = await _server.GetAsync(path);

        Assert.Equal((status, text), ((int)actualStatus, actualText));
    }

    [Fact]
    public async Task Idempotency_KeyMalformed_Refused()
    {
        var before = await StateAsync();

        var empty = await _server.GetAsync(OrderPath("buy", Alice, AliceKey, "0.1"), "");
        var tooLong = await _server.GetAsync(OrderPath("buy", Alice, AliceKey, "0.1"), new string('k', 201));

        Assert.Equal((HttpStatusCode.BadRequest, "Idempotency-Key must be 1 to 200 printable characters"), empty);
        Assert.Equal((HttpStatusCode.BadRequest, "Idempotency-Key must be 1 to 200 printable characters"), tooLong);
        Assert.Equal(before, await StateAsync());
    }

    [Fact]
    public async Task Order_AtEveryLimit_Executes()
    {
        await using var server = await StartAsync(new Dictionary<string, string?> { ["Simulator:Price:Euro"] = "100" });

        // The largest order, costing all of alice's euro; then selling all her bitcoin but a satoshi (proceeds rounded down).
        Assert.Equal(HttpStatusCode.OK, (await server.BuyAsync(Alice, AliceKey, "10.00000000")).Status);
        Assert.Equal(HttpStatusCode.OK, (await server.SellAsync(Alice, AliceKey, "10")).Status);
        Assert.Equal(HttpStatusCode.OK, (await server.SellAsync(Alice, AliceKey, "1.99999999")).Status);
        Assert.Equal((0.00000001m, 1199.99m), await server.BalanceAsync(Alice));
    }

    private async Task<string> StateAsync() =>
        $"{await _server.BalanceAsync(Alice)} {await _server.BalanceAsync(Bob)} {(await _server.AuditAsync()).Count}";
}

using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.Time.Testing;
using static Reactive.WalletSimulator.Tests.SimulatorServer;

namespace Reactive.WalletSimulator.Tests;

/// <summary>Fault injection on buy and sell: off by default, each mode as documented, the same faults for the same seed.</summary>
public sealed class FaultTests
{
    [Fact]
    public async Task Error_AnsweredFiveHundred_NothingExecuted()
    {
        await using var server = await StartAsync();
        await server.SetFaultsAsync(errorRate: 1);

        var answer = await server.BuyAsync(Alice, AliceKey, "1", "e-1");

        Assert.Equal((HttpStatusCode.InternalServerError, "internal error"), answer);
        Assert.Empty(await server.AuditAsync());
        Assert.Equal((2m, 1000m), await server.BalanceAsync(Alice));
        Assert.Equal(HttpStatusCode.OK, (await server.GetAsync("/info/?user_id=alice")).Status);
    }

    [Fact]
    public async Task LostAnswer_ExecutedButAnsweredFiveHundred_TheAuditHasIt_ARetryWithTheKeyLearnsTheAnswer()
    {
        await using var server = await StartAsync();
        await server.SetFaultsAsync(lostAnswerRate: 1);

        var lost = await server.SellAsync(Alice, AliceKey, "0.5", "l-1");

        Assert.Equal((HttpStatusCode.InternalServerError, "internal error"), lost);
        var entry = Assert.Single(await server.AuditAsync(Alice));
        Assert.Equal("l-1", entry.GetProperty("idempotency_key").GetString());
        Assert.Equal((1.5m, 1050m), await server.BalanceAsync(Alice));

        await server.SetFaultsAsync();
        var retried = await server.SellAsync(Alice, AliceKey, "0.5", "l-1");
        Assert.Equal((HttpStatusCode.OK, "order 1 executed: sold 0.5 bitcoin at 100 euro for 50.00 euro"), retried);
        Assert.Single(await server.AuditAsync(Alice));
    }

    [Fact]
    public async Task Delay_HoldsTheOrderForTheDelay_ThenExecutesIt()
    {
        var time = new TimerSignallingTimeProvider();
        await using var server = await StartAsync(time: time);
        await server.SetFaultsAsync(delayRate: 1, delay: TimeSpan.FromMinutes(3));

        var order = server.BuyAsync(Alice, AliceKey, "1");
        await time.TimerCreated.WaitAsync(TimeSpan.FromSeconds(30));
        time.Advance(TimeSpan.FromMinutes(3) - TimeSpan.FromTicks(1));

        Assert.False(order.IsCompleted);
        Assert.Empty(await server.AuditAsync());
        time.Advance(TimeSpan.FromTicks(1));
        Assert.Equal((HttpStatusCode.OK, "order 1 executed: bought 1 bitcoin at 100 euro for 100.00 euro"), await order.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Single(await server.AuditAsync());
    }

    [Fact]
    public async Task SeededShare_SameSeed_SameFaultsInTheSameOrder()
    {
        await using var server = await StartAsync();

        async Task<List<HttpStatusCode>> RunAsync()
        {
            await server.SetFaultsAsync(errorRate: 0.3, seed: 7);
            var statuses = new List<HttpStatusCode>();
            for (var i = 0; i < 40; i++)
            {
                statuses.Add((await server.BuyAsync(Bob, BobKey, "0.01")).Status);
            }

            return statuses;
        }

        var first = await RunAsync();
        var second = await RunAsync();

        Assert.Equal(first, second);
        var errors = first.Count(s => s == HttpStatusCode.InternalServerError);
        Assert.InRange(errors, 6, 20);
        Assert.Equal(80 - (2 * errors), (await server.AuditAsync(Bob)).Count);
        Assert.All(first, s => Assert.Contains(s, new[] { HttpStatusCode.OK, HttpStatusCode.InternalServerError }));
    }

    [Fact]
    public async Task Faults_FromConfiguration_ApplyFromTheStart_AndOffByDefault()
    {
        await using (var plain = await StartAsync())
        {
            var faults = await plain.Client.GetFromJsonAsync<Dictionary<string, object>>("/admin/faults");
            Assert.Equal("""{"error_rate":0,"lost_answer_rate":0,"delay_rate":0,"delay":"00:00:05","seed":1}""", System.Text.Json.JsonSerializer.Serialize(faults));
        }

        await using var server = await StartAsync(new Dictionary<string, string?> { ["Simulator:Faults:ErrorRate"] = "1" });

        Assert.Equal((HttpStatusCode.InternalServerError, "internal error"), await server.BuyAsync(Alice, AliceKey, "1"));
        Assert.Empty(await server.AuditAsync());
    }

    [Theory]
    [InlineData("""{"error_rate":1.5}""", "ErrorRate must be between 0 and 1 (got 1.5)")]
    [InlineData("""{"error_rate":0.5,"delay_rate":0.6}""", "ErrorRate + LostAnswerRate + DelayRate must be at most 1 (got 1.1)")]
    [InlineData("""{"delay":"-00:00:01"}""", "Delay must be between 0 and 1 hour (got -00:00:01)")]
    [InlineData("""{"errorRate":1}""", "the body is not valid: ")]
    [InlineData("""[1]""", "the body is not valid: ")]
    public async Task Faults_InvalidSettings_RefusedAndUnchanged(string body, string text)
    {
        await using var server = await StartAsync();

        using var response = await server.Client.PostAsync("/admin/faults", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.StartsWith(text, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await server.BuyAsync(Alice, AliceKey, "1")).Status);
    }

    /// <summary>A fake clock that says when a timer (a delay) is created, so the test advances it only once the order waits.</summary>
    private sealed class TimerSignallingTimeProvider : FakeTimeProvider
    {
        private readonly TaskCompletionSource _created = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task TimerCreated => _created.Task;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = base.CreateTimer(callback, state, dueTime, period);
            _created.TrySetResult();
            return timer;
        }
    }
}

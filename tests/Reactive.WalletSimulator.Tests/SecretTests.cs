using System.Net;
using Microsoft.AspNetCore.Http;
using Reactive.WalletSimulator.Hosting;
using Reactive.WalletSimulator.Http;
using static Reactive.WalletSimulator.Tests.SimulatorServer;

namespace Reactive.WalletSimulator.Tests;

/// <summary>The access key appears in no log record (at Trace, every category), no exception and no answer.</summary>
public sealed class SecretTests
{
    [Fact]
    public async Task AccessKey_EveryKindOfRequestAtTraceLevel_InNoLogRecordAndNoAnswer()
    {
        await using var server = await StartAsync(new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Default"] = "Trace",
            ["Logging:LogLevel:Microsoft"] = "Trace",
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Trace",
            // A provider-specific rule, the strongest configuration can write: the hosting request log stays held.
            ["Logging:Fake:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics"] = "Trace",
        });
        await server.SetFaultsAsync(errorRate: 0.2, lostAnswerRate: 0.2, delayRate: 0.2, delay: TimeSpan.Zero, seed: 3);
        string[] paths =
        [
            OrderPath("buy", Alice, AliceKey, "0.1"),
            OrderPath("sell", Alice, AliceKey, "0.1"),
            OrderPath("buy", Alice, AliceKey, "abc"),
            OrderPath("buy", Alice, AliceKey, "1000"),
            OrderPath("buy", Bob, AliceKey, "0.1"),
            OrderPath("buy", "nobody", AliceKey, "0.1"),
            $"/buy/?amount=0.1&user_id=alice&ACCESS_KEY={AliceKey}",
            $"/buy/?amount=0.1&user_id=alice&access%5Fkey={AliceKey}",
            $"/buy/?amount=0.1&user_id=alice&access_key={AliceKey}&access_key={AliceKey}",
            $"/sell/?user_id=alice&access_key={AliceKey}&amount=1e400",
            $"/info/?user_id=alice&access_key={AliceKey}",
            $"/nowhere?access_key={AliceKey}",
        ];

        var answers = new List<string>();
        for (var round = 0; round < 3; round++)
        {
            foreach (var path in paths)
            {
                // As written: System.Uri would otherwise turn access%5Fkey into access_key before it is sent.
                var uri = new Uri(server.Address.AbsoluteUri.TrimEnd('/') + path, new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true });
                using var response = await server.Client.GetAsync(uri);
                answers.Add(string.Join(' ', response.Headers.Concat(response.Content.Headers).SelectMany(h => h.Value)) + await response.Content.ReadAsStringAsync());
            }
        }

        // A request line Kestrel refuses (a NUL in the target): Kestrel's bad-request log quotes the line, key and all.
        using (var raw = new System.Net.Sockets.TcpClient())
        {
            await raw.ConnectAsync(server.Address.Host, server.Address.Port);
            var stream = raw.GetStream();
            await stream.WriteAsync(System.Text.Encoding.Latin1.GetBytes($"GET /buy/?amount=1&user_id=alice&access_key={AliceKey}\u0000 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
            var reply = new byte[4096];
            var read = await stream.ReadAsync(reply);
            answers.Add(System.Text.Encoding.Latin1.GetString(reply, 0, read));
        }

        var texts = server.LogTexts().ToList();
        Assert.DoesNotContain(texts, t => t.Contains(AliceKey, StringComparison.Ordinal));
        Assert.DoesNotContain(answers, a => a.Contains(AliceKey, StringComparison.Ordinal));
        // The simulator's own request line stands in for the hosting one, key redacted; the hosting one said nothing.
        Assert.Contains(texts, t => t.StartsWith("GET /buy/?amount=0.1&user_id=alice&access_key=*** answered ", StringComparison.Ordinal));
        Assert.Contains(texts, t => t.StartsWith("GET /buy/?amount=0.1&user_id=alice&access%5Fkey=*** answered ", StringComparison.Ordinal));
        Assert.DoesNotContain(server.Logs.GetSnapshot(), r => SimulatorServices.HeldCategories.Contains(r.Category) && r.Level < Microsoft.Extensions.Logging.LogLevel.Warning);
        Assert.StartsWith("HTTP/1.1 400 Bad Request", answers[^1], StringComparison.Ordinal);
        // Trace really was on: the routing middleware's debug records are there, and every fault kind was met.
        Assert.Contains(server.Logs.GetSnapshot(), r => r.Category?.StartsWith("Microsoft.AspNetCore.Routing", StringComparison.Ordinal) == true && r.Level <= Microsoft.Extensions.Logging.LogLevel.Debug);
        Assert.Contains(server.Logs.GetSnapshot(), r => r.Id.Id == 2003);
        Assert.Contains(server.Logs.GetSnapshot(), r => r.Id.Id == 2004);
        Assert.Contains(server.Logs.GetSnapshot(), r => r.Id.Id == 2005);
    }

    [Theory]
    [InlineData("", "")]
    [InlineData("?amount=1&user_id=1", "?amount=1&user_id=1")]
    [InlineData("?access_key=s3cret", "?access_key=***")]
    [InlineData("?amount=1&access_key=s3cret&user_id=1", "?amount=1&access_key=***&user_id=1")]
    [InlineData("?Access_Key=s3cret&access_key=again", "?Access_Key=***&access_key=***")]
    [InlineData("?access%5Fkey=s3cret", "?access%5Fkey=***")]
    [InlineData("?access%5fKEY=s3cret", "?access%5fKEY=***")]
    [InlineData("?access_key", "?access_key=***")]
    [InlineData("?access_key=a=b&x=1", "?access_key=***&x=1")]
    [InlineData("?access_keys=kept", "?access_keys=kept")]
    public void Redact_QueryString_HidesEveryAccessKeyAsAspNetCoreReadsIt(string query, string expected)
    {
        Assert.Equal(expected, QueryRedaction.Redact(new QueryString(query.Length == 0 ? null : query)));
    }
}

using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Text;
using Microsoft.Extensions.Logging.Testing;
using Reactive.Host.Trading;
using Reactive.Host.Wallet;
using Reactive.Operators.Trading;
using static Reactive.WalletSimulator.Tests.SimulatorServer;

namespace Reactive.Host.Tests.Wallet;

/// <summary>The access key in no log record, metric, exception, order detail or journal, through a run with every fault.</summary>
public sealed class WalletSecretTests
{
    // Characters that URL-escape, so that the escaped form (what the query carries) is looked for too.
    private const string Key = "Wallet+Secret/Key=7&x";

    [Fact]
    public async Task RunWithFaults_NoLogMetricExceptionOrJournalHoldsTheKey()
    {
        var escaped = Uri.EscapeDataString(Key);
        Assert.NotEqual(Key, escaped);
        using var metrics = new MeterTexts();
        await using var server = await StartAsync(new Dictionary<string, string?> { [$"Simulator:Users:{Alice}:AccessKey"] = Key });
        await server.SetFaultsAsync(errorRate: 0.2, lostAnswerRate: 0.2, delayRate: 0.2, delay: TimeSpan.FromSeconds(1), seed: 3);
        var settings = new Dictionary<string, string?>
        {
            ["AttemptTimeout"] = "00:00:00.500",
            ["ReconcileDelay"] = "00:00:01.500",
        };
        using var rig = WalletRig.Start(server.Address, settings, accessKey: Key);
        // The same service restarted with a quick breaker, against a wallet that fails every order.
        settings["BreakerFailureRatio"] = "0.3";
        settings["BreakerMinimumThroughput"] = "4";
        settings["BreakDuration"] = "00:01:00";
        using var broken = WalletRig.Start(server.Address, settings, accessKey: Key);
        var state = WalletRig.NewStateDirectory();
        var texts = new List<string>();
        try
        {
            using (var executor = rig.Factory.Create(state, WalletOrderExecutorFactory.LiveMode))
            {
                await executor.RecoverAsync(CancellationToken.None);
                for (var i = 0; i < 12; i++)
                {
                    var execution = await executor.ExecuteAsync(WalletRig.Decision(i, i % 2 == 0 ? OrderSide.Buy : OrderSide.Sell, 0.05), CancellationToken.None);
                    texts.Add(execution.ToString());
                }
            }

            await server.SetFaultsAsync(errorRate: 1);
            using (var executor = broken.Factory.Create(state, WalletOrderExecutorFactory.LiveMode))
            {
                texts.AddRange((await executor.RecoverAsync(CancellationToken.None)).Select(e => e.ToString()));
                for (var i = 12; i < 16; i++)
                {
                    texts.Add((await executor.ExecuteAsync(WalletRig.Decision(i, OrderSide.Buy, 0.05), CancellationToken.None)).ToString());
                }

                var refused = await Assert.ThrowsAsync<WalletUnavailableException>(() => executor.BalancesAsync(CancellationToken.None));
                Assert.True(refused.CircuitOpen);
                texts.Add(refused.ToString());
                texts.Add((await broken.Client.OrderAsync(OrderSide.Sell, 99m, "secret-refused", CancellationToken.None)).ToString());
            }

            // The run did what it should have: orders went through with the key, faults were met, the breaker opened,
            // and the client logged its requests, with the key's place marked.
            Assert.NotEmpty(await server.AuditAsync(Alice));
            var records = rig.Logs.GetSnapshot().Concat(broken.Logs.GetSnapshot()).ToList();
            Assert.Contains(records, r => r.Id.Id == 1312);
            Assert.Contains(records, r => r.Id.Id == 1304);
            Assert.Contains(records, r => r.Message.Contains("access_key=***", StringComparison.Ordinal));
            Assert.DoesNotContain(records, r => r.Category?.StartsWith("System.Net.Http.HttpClient", StringComparison.Ordinal) == true);
            Assert.Contains(metrics.Texts, t => t.StartsWith("reactive.wallet.requests", StringComparison.Ordinal));

            texts.AddRange(LogTexts(rig.Logs).Concat(LogTexts(broken.Logs)));
            texts.AddRange(metrics.Texts);
            foreach (var file in Directory.GetFiles(state))
            {
                using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
                using var reader = new StreamReader(stream, Encoding.Latin1);
                texts.Add(await reader.ReadToEndAsync());
            }

            Assert.All(texts, t =>
            {
                Assert.DoesNotContain(Key, t, StringComparison.Ordinal);
                Assert.DoesNotContain(escaped, t, StringComparison.OrdinalIgnoreCase);
            });
        }
        finally
        {
            Directory.Delete(state, recursive: true);
        }
    }

    /// <summary>Each record's message, exception, structured state and scopes, as text.</summary>
    private static IEnumerable<string> LogTexts(FakeLogCollector logs) => logs.GetSnapshot().SelectMany(r =>
        new[] { r.Category ?? "", r.Message, r.Exception?.ToString() ?? "" }
            .Concat(r.StructuredState?.Select(kv => $"{kv.Key}={kv.Value}") ?? [])
            .Concat(r.Scopes.Select(s => s is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(",", pairs) : s?.ToString() ?? "")));

    /// <summary>Every instrument of every meter in the process, and each measurement with its tags, as text.</summary>
    private sealed class MeterTexts : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly ConcurrentQueue<string> _texts = new();

        public MeterTexts()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                _texts.Enqueue($"{instrument.Name} {instrument.Meter.Name} {instrument.Unit} {instrument.Description}");
                listener.EnableMeasurementEvents(instrument);
            };
            _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Record(i, v, tags));
            _listener.SetMeasurementEventCallback<int>((i, v, tags, _) => Record(i, v, tags));
            _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Record(i, v, tags));
            _listener.Start();
        }

        public IReadOnlyCollection<string> Texts
        {
            get
            {
                _listener.RecordObservableInstruments();
                return _texts.ToArray();
            }
        }

        public void Dispose() => _listener.Dispose();

        private void Record<T>(Instrument instrument, T value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var text = new StringBuilder(instrument.Name).Append(' ').Append(value);
            foreach (var tag in tags)
            {
                text.Append(' ').Append(tag.Key).Append('=').Append(tag.Value);
            }

            _texts.Enqueue(text.ToString());
        }
    }
}

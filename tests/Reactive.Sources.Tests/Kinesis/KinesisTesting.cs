using System.Text;
using Microsoft.Extensions.Logging.Testing;
using Reactive.Sources.Kinesis;

namespace Reactive.Sources.Tests.Kinesis;

/// <summary>Credentials, stream names and reading helpers of the Kinesis tests.</summary>
internal static class KinesisTesting
{
    public const string AccessKeyId = "AKIDREACTIVETEST";

    // Distinctive, so that a leak is found by a plain substring search.
    public const string SecretAccessKey = "SECRETkey/Reactive+Test0123456789abcdef";
    public const string SessionToken = "SESSIONtoken/Reactive+Test9876543210fedcba";

    public static KinesisOptions Options(Uri endpoint, string? sessionToken = null) => new()
    {
        ServiceUrl = endpoint.ToString(),
        Region = "us-east-1",
        AccessKeyId = AccessKeyId,
        SecretAccessKey = SecretAccessKey,
        SessionToken = sessionToken,
        RequestTimeout = TimeSpan.FromSeconds(30),
    };

    public static KinesisClient Client(Uri endpoint, FakeLogger<KinesisClient>? logger = null, string? sessionToken = null) =>
        new(Options(endpoint, sessionToken), logger);

    /// <summary>A stream name no other test uses.</summary>
    public static string StreamName(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    public static async Task<KinesisStreamSummary> CreateActiveStreamAsync(IKinesisClient client, string stream, int shards)
    {
        await client.CreateStreamAsync(stream, shards);
        return await client.WaitForStreamActiveAsync(stream, TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(20));
    }

    public static PutRecordsEntry Entry(string data, string partitionKey) => new(Encoding.UTF8.GetBytes(data), partitionKey);

    public static string Text(KinesisRecord record) => Encoding.UTF8.GetString(record.Data.Span);

    /// <summary>
    /// Reads a shard from <paramref name="position"/> with small pages until a call returns no record
    /// (kinesalite answers with all it has, so an empty page is the end of what was put) or the shard ends.
    /// </summary>
    public static async Task<(IReadOnlyList<KinesisRecord> Records, GetRecordsResponse Last)> ReadShardAsync(
        IKinesisClient client, string stream, string shardId, ShardIteratorPosition? position = null, int limit = 3)
    {
        var iterator = await client.GetShardIteratorAsync(stream, shardId, position ?? ShardIteratorPosition.TrimHorizon);
        var records = new List<KinesisRecord>();
        for (var calls = 0; calls < 10_000; calls++)
        {
            var page = await client.GetRecordsAsync(iterator, limit);
            records.AddRange(page.Records);
            if (page.Records.Count == 0 || page.NextShardIterator is null)
            {
                return (records, page);
            }

            iterator = page.NextShardIterator;
        }

        throw new InvalidOperationException($"{shardId} of {stream} did not end after 10 000 calls.");
    }
}

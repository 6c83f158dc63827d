namespace Reactive.Sources.Kinesis;

/// <summary>Calls made of several Kinesis requests, for any <see cref="IKinesisClient"/>.</summary>
public static class KinesisClientExtensions
{
    /// <summary>Every shard of the stream (closed ones included), following ListShards' pages.</summary>
    /// <param name="client">The client.</param>
    /// <param name="streamName">The stream.</param>
    /// <param name="pageSize">Shards per page (1 to 10 000); Kinesis' default (1 000) when null.</param>
    /// <param name="cancellationToken">Stops the listing.</param>
    public static async Task<IReadOnlyList<KinesisShard>> ListAllShardsAsync(this IKinesisClient client, string streamName, int? pageSize = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrEmpty(streamName);
        var shards = new List<KinesisShard>();
        var request = new ListShardsRequest { StreamName = streamName, MaxResults = pageSize };
        while (true)
        {
            var page = await client.ListShardsAsync(request, cancellationToken).ConfigureAwait(false);
            shards.AddRange(page.Shards);
            if (page.NextToken is null)
            {
                return shards;
            }

            request = new ListShardsRequest { NextToken = page.NextToken, MaxResults = pageSize };
        }
    }

    /// <summary>
    /// Waits until the stream is <see cref="KinesisStreamStatus.Active"/> (after a create or a reshard), polling
    /// DescribeStreamSummary; a stream not found yet (just created) is waited for too.
    /// </summary>
    /// <param name="client">The client.</param>
    /// <param name="streamName">The stream.</param>
    /// <param name="timeout">How long to wait at most.</param>
    /// <param name="pollInterval">The pause between two polls; 1 second when null.</param>
    /// <param name="timeProvider">The clock of the pauses and the timeout; the system's when null.</param>
    /// <param name="cancellationToken">Stops the wait.</param>
    /// <returns>The summary of the active stream.</returns>
    /// <exception cref="TimeoutException">The stream was not active within <paramref name="timeout"/>.</exception>
    public static async Task<KinesisStreamSummary> WaitForStreamActiveAsync(
        this IKinesisClient client,
        string streamName,
        TimeSpan timeout,
        TimeSpan? pollInterval = null,
        TimeProvider? timeProvider = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrEmpty(streamName);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(timeout.Ticks, nameof(timeout));
        var interval = pollInterval ?? TimeSpan.FromSeconds(1);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(interval.Ticks, nameof(pollInterval));
        var time = timeProvider ?? TimeProvider.System;
        var started = time.GetTimestamp();
        var last = "not found";
        while (true)
        {
            try
            {
                var summary = await client.DescribeStreamSummaryAsync(streamName, cancellationToken).ConfigureAwait(false);
                if (summary.Status == KinesisStreamStatus.Active)
                {
                    return summary;
                }

                last = summary.Status.ToString();
            }
            catch (KinesisException e) when (e.Code == KinesisErrorCode.ResourceNotFound || e.IsRetryable)
            {
                last = e.Code.ToString();
            }

            if (time.GetElapsedTime(started) + interval > timeout)
            {
                throw new TimeoutException($"Kinesis stream '{streamName}' was not ACTIVE within {timeout} (last seen: {last}).");
            }

            await Task.Delay(interval, time, cancellationToken).ConfigureAwait(false);
        }
    }
}

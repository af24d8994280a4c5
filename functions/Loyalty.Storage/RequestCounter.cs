using Azure.Core;
using Azure.Core.Pipeline;

namespace Loyalty.Storage;

/// <summary>Counts of HTTP requests sent to the table and queue services.</summary>
public readonly record struct RequestCounts(long Table, long Queue)
{
    /// <summary>The requests made between two snapshots.</summary>
    public static RequestCounts operator -(RequestCounts after, RequestCounts before) =>
        new(after.Table - before.Table, after.Queue - before.Queue);

    /// <summary>The same as the minus operator, for languages without operators.</summary>
    public RequestCounts Subtract(RequestCounts before) => this - before;
}

/// <summary>
/// Counts every HTTP request the storage clients send, retries included, so tests and
/// benchmarks can state what an operation costs in requests.
/// </summary>
public sealed class RequestCounter
{
    private long _table;
    private long _queue;

    /// <summary>Requests sent to the table service.</summary>
    public long TableRequests => Interlocked.Read(ref _table);

    /// <summary>Requests sent to the queue service.</summary>
    public long QueueRequests => Interlocked.Read(ref _queue);

    /// <summary>Both counts now (each read atomically; not a consistent cut across the two).</summary>
    public RequestCounts Snapshot() => new(TableRequests, QueueRequests);

    /// <summary>Sets both counts to zero.</summary>
    public void Reset()
    {
        Interlocked.Exchange(ref _table, 0);
        Interlocked.Exchange(ref _queue, 0);
    }

    internal HttpPipelinePolicy TablePolicy() => new CountingPolicy(this, table: true);

    internal HttpPipelinePolicy QueuePolicy() => new CountingPolicy(this, table: false);

    // Added at HttpPipelinePosition.PerRetry, i.e. after the retry policy, so each attempt is one count.
    private sealed class CountingPolicy(RequestCounter counter, bool table) : HttpPipelineSynchronousPolicy
    {
        public override void OnSendingRequest(HttpMessage message)
        {
            if (table)
            {
                Interlocked.Increment(ref counter._table);
            }
            else
            {
                Interlocked.Increment(ref counter._queue);
            }
        }
    }
}

using Azure.Storage.Queues;

namespace Loyalty.Testing;

/// <summary>Waits on a queue's depth (the approximate count, which includes messages held invisible by a worker).</summary>
public static class QueueWatch
{
    /// <summary>Messages in the queue, visible or not; 0 when the queue does not exist.</summary>
    public static async Task<int> DepthAsync(QueueClient queue, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(queue);
        return (await queue.ExistsAsync(ct)).Value ? (await queue.GetPropertiesAsync(ct)).Value.ApproximateMessagesCount : 0;
    }

    /// <summary>Waits until at most <paramref name="depth"/> messages are left; returns the depth seen.</summary>
    public static async Task<int> WaitForDepthAtMostAsync(QueueClient queue, int depth, TimeSpan timeout, CancellationToken ct = default)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var now = await DepthAsync(queue, ct);
            if (now <= depth)
            {
                return now;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Queue {queue.Name} still holds {now} messages after {timeout}, expected at most {depth}.");
            }

            await Task.Delay(50, ct);
        }
    }

    /// <summary>Waits until the queue is empty and stays empty for <paramref name="quiet"/> (follow-ups may still be sent).</summary>
    public static async Task WaitForDrainedAsync(QueueClient queue, TimeSpan timeout, TimeSpan? quiet = null, CancellationToken ct = default)
    {
        var deadline = DateTime.UtcNow + timeout;
        var emptySince = DateTime.MaxValue;
        while (DateTime.UtcNow < deadline)
        {
            if (await DepthAsync(queue, ct) == 0)
            {
                emptySince = emptySince == DateTime.MaxValue ? DateTime.UtcNow : emptySince;
                if (DateTime.UtcNow - emptySince >= (quiet ?? TimeSpan.FromSeconds(1)))
                {
                    return;
                }
            }
            else
            {
                emptySince = DateTime.MaxValue;
            }

            await Task.Delay(100, ct);
        }

        throw new TimeoutException($"Queue {queue.Name} did not drain within {timeout}; {await DepthAsync(queue, ct)} left.");
    }
}

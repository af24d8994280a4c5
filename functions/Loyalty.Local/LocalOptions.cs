namespace Loyalty.Local;

/// <summary>Settings of the local host only (<c>Loyalty:Local</c>).</summary>
public sealed class LocalOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "Loyalty:Local";

    /// <summary>Start Azurite from the repository's node_modules when storage is the development account and nothing listens on its ports.</summary>
    public bool StartAzurite { get; set; } = true;

    /// <summary>Folder for Azurite's data, relative to the repository root (git-ignored); empty keeps it in memory.</summary>
    public string AzuriteLocation { get; set; } = ".azurite";

    /// <summary>Load the demo members (idempotent: their events have fixed ids).</summary>
    public bool SeedDemo { get; set; } = true;

    /// <summary>Print what to try next once the host listens.</summary>
    public bool PrintHints { get; set; } = true;

    /// <summary>Queue workers receiving and applying events at once; 0 runs no pump (messages stay queued: tests that must see every message sent).</summary>
    public int QueueConcurrency { get; set; } = 4;

    /// <summary>Messages one worker receives per request (1 to 32).</summary>
    public int QueueBatchSize { get; set; } = 16;

    /// <summary>How long a received message stays invisible to other workers, in seconds.</summary>
    public int VisibilityTimeoutSeconds { get; set; } = 120;

    /// <summary>Longest wait between polls of an empty queue, in milliseconds.</summary>
    public int MaxPollDelayMilliseconds { get; set; } = 1000;

    /// <summary>Run the timer jobs on their schedules (tests turn this off and run jobs through the admin route).</summary>
    public bool RunTimers { get; set; } = true;

    /// <summary>Let tests set the clock with <c>POST /_local/clock</c> (admin key). Never for a real run.</summary>
    public bool TestClock { get; set; }

    /// <summary>Problems with these settings, each naming the setting.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (QueueConcurrency is < 0 or > 64)
        {
            errors.Add("Loyalty:Local:QueueConcurrency: must be between 0 (no queue pump) and 64.");
        }

        if (QueueBatchSize is < 1 or > 32)
        {
            errors.Add("Loyalty:Local:QueueBatchSize: must be between 1 and 32 (the queue service's limit).");
        }

        if (VisibilityTimeoutSeconds is < 5 or > 3600)
        {
            errors.Add("Loyalty:Local:VisibilityTimeoutSeconds: must be between 5 and 3600.");
        }

        if (MaxPollDelayMilliseconds is < 10 or > 60_000)
        {
            errors.Add("Loyalty:Local:MaxPollDelayMilliseconds: must be between 10 and 60000.");
        }

        return errors;
    }
}

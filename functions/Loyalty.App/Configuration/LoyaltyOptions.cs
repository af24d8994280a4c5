namespace Loyalty.App.Configuration;

/// <summary>Settings under <c>Loyalty</c> that are not storage, webhook or program settings.</summary>
public sealed class LoyaltyOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "Loyalty";

    /// <summary>
    /// Key for member reads, redemptions and every <c>/api/admin/*</c> route, sent as the
    /// <c>x-functions-key</c> header or the <c>code</c> query value (as Azure Functions does).
    /// </summary>
    public string? AdminKey { get; set; }
}

/// <summary>How queued events are retried (<c>Loyalty:Processing</c>).</summary>
public sealed class ProcessingOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "Loyalty:Processing";

    /// <summary>Deliveries of one message before it is parked in the poison queue (matches host.json maxDequeueCount).</summary>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>Delay before a message that must wait (a refund whose order is not seen yet) is tried again, in seconds; grows with each attempt.</summary>
    public double RetryDelaySeconds { get; set; } = 2;

    /// <summary>Decide-and-commit attempts when another instance changed the member at the same time.</summary>
    public int MaxConflictRetries { get; set; } = 10;

    /// <summary>Problems with these settings, each naming the setting.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (MaxAttempts is < 1 or > 100)
        {
            errors.Add("Loyalty:Processing:MaxAttempts: must be between 1 and 100.");
        }

        if (RetryDelaySeconds is < 0 or > 600)
        {
            errors.Add("Loyalty:Processing:RetryDelaySeconds: must be between 0 and 600.");
        }

        if (MaxConflictRetries is < 1 or > 100)
        {
            errors.Add("Loyalty:Processing:MaxConflictRetries: must be between 1 and 100.");
        }

        return errors;
    }
}

using Loyalty.App.Intake;

namespace Loyalty.App.Configuration;

/// <summary>
/// The two API keys (<c>Loyalty:AdminKey</c>, <c>Loyalty:StorefrontKey</c>): the admin key for
/// everything that can mint or remove points or personal data, the storefront key for what a
/// shop's storefront needs (read a member, redeem, use a benefit), so a storefront never holds
/// the key that mints. An absent key turns its routes off (401); a set one must keep to
/// <see cref="SecretRules"/>.
/// </summary>
public sealed class LoyaltyOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "Loyalty";

    /// <summary>The admin key's setting.</summary>
    public const string AdminKeySetting = Section + ":" + nameof(AdminKey);

    /// <summary>The storefront key's setting.</summary>
    public const string StorefrontKeySetting = Section + ":" + nameof(StorefrontKey);

    /// <summary>The directory lookup key's setting.</summary>
    public const string DirectoryKeySetting = Section + ":" + nameof(DirectoryKey);

    /// <summary>
    /// Key for adjustments, jobs and every <c>/api/admin/*</c> route (and, as a superset, the
    /// storefront routes), accepted only as the <c>x-functions-key</c> header: a query string
    /// ends up in request logs.
    /// </summary>
    public string? AdminKey { get; set; }

    /// <summary>
    /// Key for member reads, redemptions and benefit uses, as the <c>x-functions-key</c> header
    /// or the <c>code</c> query value (as Azure Functions does).
    /// </summary>
    public string? StorefrontKey { get; set; }

    /// <summary>
    /// Key of the keyed hash (HMAC-SHA256) that the member directory's exact-lookup rows are
    /// keyed by, so no e-mail address, phone number or order number is a key in clear. Without
    /// it no lookup rows are written and search by e-mail, phone or order finds nothing.
    /// Changing it orphans the lookup rows written under the old one.
    /// </summary>
    public string? DirectoryKey { get; set; }

    /// <summary>
    /// Problems with the keys, each naming its setting (never the value). The admin key must
    /// differ from every other key or secret, or whoever holds that one could mint points.
    /// </summary>
    public IReadOnlyList<string> Validate(WebhookSecrets secrets)
    {
        var errors = new List<string>(SecretRules.Problems([(AdminKeySetting, AdminKey), (StorefrontKeySetting, StorefrontKey), (DirectoryKeySetting, DirectoryKey)]));
        if (!string.IsNullOrEmpty(AdminKey))
        {
            foreach (var (setting, value) in secrets.Named().Prepend((DirectoryKeySetting, DirectoryKey)).Prepend((StorefrontKeySetting, StorefrontKey)))
            {
                if (string.Equals(AdminKey, value, StringComparison.Ordinal))
                {
                    errors.Add($"{AdminKeySetting}: must differ from {setting}.");
                }
            }
        }

        return errors;
    }
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

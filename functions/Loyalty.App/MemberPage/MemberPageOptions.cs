using Loyalty.App.Configuration;

namespace Loyalty.App.MemberPage;

/// <summary>
/// The member's own page (<c>Loyalty:MemberPage</c>): the key that signs its links and how long a
/// link made by the owner's route lasts. Without a key the page and its routes answer 401.
/// </summary>
public sealed class MemberPageOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Loyalty:MemberPage";

    /// <summary>The longest a link may be made for, in days.</summary>
    public const int MaxLinkDays = 90;

    /// <summary>HMAC-SHA256 key of the links (a Key Vault secret in Azure); a new key ends every link made with the old one.</summary>
    public string? LinkSecret { get; set; }

    /// <summary>Days a link made by <c>POST /api/admin/members/{memberId}/page-links</c> works when the request names none.</summary>
    public int LinkDays { get; set; } = 30;

    /// <summary>The problems of these settings, each naming its setting.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>(SecretRules.Problems([(Section + ":LinkSecret", LinkSecret)]));
        if (LinkDays is < 1 or > MaxLinkDays)
        {
            errors.Add($"{Section}:LinkDays: 1 to {MaxLinkDays}.");
        }

        return errors;
    }
}

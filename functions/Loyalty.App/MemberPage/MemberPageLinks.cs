using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Loyalty.App.Configuration;
using Loyalty.App.Http;
using Loyalty.Core;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Loyalty.App.MemberPage;

/// <summary>
/// The member page's signed links: <c>?expires={unix seconds}&amp;signature={hex}</c>, where the
/// signature is HMAC-SHA256 under <see cref="MemberPageOptions.LinkSecret"/> of
/// <c>member-page|{memberId}|{expires}</c>. The member id is in what is signed, so a link opens
/// one member's page and nobody else's; the expiry is too, so it cannot be pushed out.
/// </summary>
public sealed class MemberPageLinks(IOptions<MemberPageOptions> options, ILogger<MemberPageLinks> logger)
{
    /// <summary>The signature of <paramref name="memberId"/>'s link expiring at <paramref name="expires"/> (unix seconds), 64 hex digits.</summary>
    public string Sign(string memberId, long expires) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(
            Encoding.UTF8.GetBytes(options.Value.LinkSecret ?? string.Empty),
            Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"member-page|{memberId}|{expires}"))));

    /// <summary>The query of <paramref name="memberId"/>'s link expiring at <paramref name="expiresAt"/>.</summary>
    public string Query(string memberId, DateTimeOffset expiresAt)
    {
        var expires = expiresAt.ToUnixTimeSeconds();
        return string.Create(CultureInfo.InvariantCulture, $"expires={expires}&signature={Sign(memberId, expires)}");
    }

    /// <summary>The path and query of <paramref name="memberId"/>'s page, <c>/api/member-page/{memberId}?expires=&amp;signature=</c>.</summary>
    public string PathAndQuery(string memberId, DateTimeOffset expiresAt) =>
        $"/{HostContract.RoutePrefix}/member-page/{Uri.EscapeDataString(memberId)}?{Query(memberId, expiresAt)}";

    /// <summary>
    /// The absolute link to <paramref name="memberId"/>'s page under <paramref name="baseUrl"/>, valid for
    /// <see cref="MemberPageOptions.LinkDays"/> from <paramref name="now"/> (to the second); null while the page has no key.
    /// </summary>
    public string? Url(string baseUrl, string memberId, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(baseUrl);
        return IsOn ? baseUrl.TrimEnd('/') + PathAndQuery(memberId, DateTimeOffset.FromUnixTimeSeconds(now.AddDays(options.Value.LinkDays).ToUnixTimeSeconds())) : null;
    }

    /// <summary>Whether links can be made and checked at all (a usable key is set).</summary>
    public bool IsOn => SecretRules.IsUsable(options.Value.LinkSecret);

    /// <summary>
    /// Null when the request carries a link for <paramref name="memberId"/> that is signed and not
    /// expired at <paramref name="now"/>; else the refusal: 400 for a member id outside the id
    /// rules, 401 <c>link-required</c> without a link (or with the page off), 403
    /// <c>invalid-link</c> for a wrong signature (a tampered link, another member's link) and 403
    /// <c>link-expired</c> for a signed link past its expiry.
    /// </summary>
    public IResult? Refuse(HttpRequest request, string memberId, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!Keys.IsValidMemberId(memberId))
        {
            return Problems.InvalidId("memberId", rule: Keys.MemberIdRule);
        }

        var expiresText = request.Query["expires"].ToString();
        var signature = request.Query["signature"].ToString();
        if (!IsOn || expiresText.Length == 0 || signature.Length == 0)
        {
            return Problems.Create(StatusCodes.Status401Unauthorized, "link-required", "This page needs the member's signed link.", "Open the page from the link the shop sent (expires and signature).");
        }

        if (!long.TryParse(expiresText, NumberStyles.None, CultureInfo.InvariantCulture, out var expires) || expires > DateTimeOffset.MaxValue.ToUnixTimeSeconds()
            || signature.Length != 64
            || !CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Sign(memberId, expires)), Encoding.ASCII.GetBytes(signature.ToLowerInvariant())))
        {
            logger.LogWarning("Member page link refused: the signature does not match");
            return Problems.Create(StatusCodes.Status403Forbidden, "invalid-link", "This link is not valid.", "The link was changed or is not for this member.");
        }

        if (DateTimeOffset.FromUnixTimeSeconds(expires) <= now)
        {
            logger.LogInformation("Member page link refused: expired at {ExpiredAt}", DateTimeOffset.FromUnixTimeSeconds(expires));
            return Problems.Create(StatusCodes.Status403Forbidden, "link-expired", "This link has expired.", "Ask the shop for a new link.");
        }

        return null;
    }
}

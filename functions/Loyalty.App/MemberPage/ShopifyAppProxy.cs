using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Loyalty.App.Configuration;
using Loyalty.App.Http;
using Loyalty.App.Intake;
using Loyalty.App.Rewards;
using Loyalty.Core;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace Loyalty.App.MemberPage;

/// <summary>
/// Requests Shopify forwards through the app proxy (the storefront's <c>/apps/{subpath}</c>) to the
/// member page. Shopify adds <c>shop</c>, <c>logged_in_customer_id</c>, <c>path_prefix</c>,
/// <c>timestamp</c> and <c>signature</c>: the hex HMAC-SHA256, under the app's shared secret (its
/// client secret, which also signs its webhooks: <c>Loyalty:Webhooks:ShopifySecret</c>, or the previous
/// one during a rotation), of every other query parameter as <c>name=value</c> (several values joined
/// by <c>,</c>), unencoded, sorted and concatenated with no separator ("Authenticate app proxies").
/// The member is <c>shopify-{logged_in_customer_id}</c>; the shop signs who is signed in, so no link is needed.
/// </summary>
public sealed class ShopifyAppProxy(IOptions<WebhookSecrets> secrets, IOptions<ShopifyAdminOptions> shopify, ILogger<ShopifyAppProxy> logger)
{
    /// <summary>How far a request's <c>timestamp</c> may be from the service's clock, either way.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(5);

    /// <summary>What Shopify signs: the parameters but <c>signature</c>, each <c>name=value1,value2</c>, sorted, concatenated.</summary>
    public static string SignedText(IEnumerable<KeyValuePair<string, StringValues>> query)
    {
        ArgumentNullException.ThrowIfNull(query);
        return string.Concat(query
            .Where(p => p.Key != "signature")
            .Select(p => p.Key + "=" + string.Join(',', p.Value.ToArray()))
            .Order(StringComparer.Ordinal));
    }

    /// <summary>The signature of <paramref name="query"/> under <paramref name="secret"/>, 64 lower-case hex digits.</summary>
    public static string Sign(IEnumerable<KeyValuePair<string, StringValues>> query, string secret) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(SignedText(query))));

    /// <summary>
    /// The member the request is for, or none when no customer is signed in to the shop, or the
    /// refusal: 403 <c>invalid-proxy-signature</c> for a missing or wrong signature (a changed
    /// parameter, another secret), another shop than <c>Loyalty:Shopify:ShopUrl</c>, or no usable
    /// secret; 403 <c>proxy-request-expired</c> for a timestamp more than <see cref="MaxAge"/> from
    /// <paramref name="now"/>; 400 for a customer id that is not one.
    /// </summary>
    public (string? MemberId, IResult? Refused) Check(HttpRequest request, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(request);
        var query = request.Query;
        var signature = query["signature"].ToString();
        var signed = signature.Length == 64 && new[] { secrets.Value.ShopifySecret, secrets.Value.ShopifyPreviousSecret }
            .Where(SecretRules.IsUsable)
            .Any(secret => CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Sign(query, secret!)), Encoding.ASCII.GetBytes(signature.ToLowerInvariant())));
        if (!signed || !IsOurShop(query["shop"].ToString()))
        {
            logger.LogWarning("Shopify app proxy request refused: the signature does not match");
            return (null, Problems.Create(StatusCodes.Status403Forbidden, "invalid-proxy-signature", "This request was not signed by the shop.", "Open the page from the shop's storefront."));
        }

        if (!long.TryParse(query["timestamp"].ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var timestamp)
            || timestamp > DateTimeOffset.MaxValue.ToUnixTimeSeconds()
            || (DateTimeOffset.FromUnixTimeSeconds(timestamp) - now).Duration() > MaxAge)
        {
            logger.LogInformation("Shopify app proxy request refused: its timestamp is more than {Minutes} minutes away", MaxAge.TotalMinutes);
            return (null, Problems.Create(StatusCodes.Status403Forbidden, "proxy-request-expired", "This request has expired.", "Reload the page from the shop's storefront."));
        }

        var customer = query["logged_in_customer_id"].ToString();
        if (customer.Length == 0)
        {
            return (null, null);
        }

        var memberId = ShopifyIntake.MemberPrefix + customer;
        return customer.All(char.IsAsciiDigit) && Keys.IsValidMemberId(memberId)
            ? (memberId, null)
            : (null, Problems.InvalidId("logged_in_customer_id", rule: "a Shopify customer id (digits)"));
    }

    // With the Admin API set up, only its shop: another shop with the same app cannot show our members.
    private bool IsOurShop(string shop) =>
        string.IsNullOrWhiteSpace(shopify.Value.ShopUrl)
        || (Uri.TryCreate(shopify.Value.ShopUrl, UriKind.Absolute, out var ours) && string.Equals(ours.Host, shop, StringComparison.OrdinalIgnoreCase));
}

using System.Security.Cryptography;
using System.Text;

namespace Loyalty.Testing;

/// <summary>Signs request bodies the way each shop does, computed independently of the code under test.</summary>
public static class Signing
{
    /// <summary>Base64 HMAC-SHA256 (Shopify, WooCommerce).</summary>
    public static string Base64(byte[] body, string secret) => Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    /// <summary><c>sha256=</c> + lower-case hex HMAC-SHA256 (the generic API).</summary>
    public static string Hex(byte[] body, string secret) => "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    /// <summary>
    /// The query Shopify's app proxy forwards, as "Authenticate app proxies" describes it:
    /// <c>signature</c> is the hex HMAC-SHA256 under the app's shared secret of the other parameters,
    /// each <c>name=value</c> unencoded (a name given twice: its values joined by <c>,</c>), sorted,
    /// concatenated with no separator; the query itself is URL-encoded.
    /// </summary>
    public static string ShopifyProxyQuery(IEnumerable<(string Name, string Value)> parameters, string secret)
    {
        var list = parameters.ToList();
        var signed = string.Concat(list.GroupBy(p => p.Name, StringComparer.Ordinal)
            .Select(g => g.Key + "=" + string.Join(",", g.Select(p => p.Value)))
            .Order(StringComparer.Ordinal));
        var signature = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(signed)));
        return string.Join("&", list.Append((Name: "signature", Value: signature)).Select(p => Uri.EscapeDataString(p.Name) + "=" + Uri.EscapeDataString(p.Value)));
    }
}

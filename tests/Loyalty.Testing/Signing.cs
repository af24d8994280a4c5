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
}

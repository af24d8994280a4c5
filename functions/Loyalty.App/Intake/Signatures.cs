using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using Loyalty.App.Configuration;

namespace Loyalty.App.Intake;

/// <summary>
/// HMAC-SHA256 signatures over the raw body, compared in constant time. A secret that is
/// missing, shorter than <see cref="SecretRules.MinimumBytes"/> bytes or the text of an
/// unresolved Key Vault reference rejects every signature: neither a missing setting nor a
/// guessable one may let a forged request in.
/// </summary>
public static class Signatures
{
    /// <summary>The prefix of a hex signature header: <c>sha256=</c>.</summary>
    public const string HexPrefix = "sha256=";

    private const int HashBytes = HMACSHA256.HashSizeInBytes;

    /// <summary>Whether <paramref name="headerValue"/> is the base64 HMAC-SHA256 of <paramref name="body"/> (Shopify, WooCommerce).</summary>
    public static bool VerifyBase64HmacSha256(ReadOnlySpan<byte> body, string? headerValue, string? secret)
    {
        if (!SecretRules.IsUsable(secret) || string.IsNullOrWhiteSpace(headerValue))
        {
            return false;
        }

        // Room for a longer value, so one that decodes to more than 32 bytes fails on length, not on space.
        Span<byte> received = stackalloc byte[HashBytes * 2];
        if (!Convert.TryFromBase64String(headerValue.Trim(), received, out var written) || written != HashBytes)
        {
            return false;
        }

        return Matches(body, received[..HashBytes], secret);
    }

    /// <summary>Whether <paramref name="headerValue"/> is <c>sha256=</c> followed by the hex HMAC-SHA256 of <paramref name="body"/> (generic API).</summary>
    public static bool VerifyHexHmacSha256(ReadOnlySpan<byte> body, string? headerValue, string? secret)
    {
        if (!SecretRules.IsUsable(secret) || string.IsNullOrWhiteSpace(headerValue))
        {
            return false;
        }

        var value = headerValue.AsSpan().Trim();
        if (!value.StartsWith(HexPrefix, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var hex = value[HexPrefix.Length..];
        if (hex.Length != HashBytes * 2)
        {
            return false;
        }

        Span<byte> received = stackalloc byte[HashBytes];
        if (Convert.FromHexString(hex, received, out _, out var written) != OperationStatus.Done || written != HashBytes)
        {
            return false;
        }

        return Matches(body, received, secret);
    }

    /// <summary>The base64 HMAC-SHA256 of <paramref name="body"/>, as Shopify and WooCommerce send it.</summary>
    public static string ComputeBase64(ReadOnlySpan<byte> body, string secret)
    {
        Span<byte> hash = stackalloc byte[HashBytes];
        Compute(body, secret, hash);
        return Convert.ToBase64String(hash);
    }

    /// <summary>The lower-case hex HMAC-SHA256 of <paramref name="body"/>, without the <c>sha256=</c> prefix.</summary>
    public static string ComputeHex(ReadOnlySpan<byte> body, string secret)
    {
        Span<byte> hash = stackalloc byte[HashBytes];
        Compute(body, secret, hash);
        return Convert.ToHexStringLower(hash);
    }

    /// <summary>The whole <c>X-Loyalty-Signature</c> value for <paramref name="body"/>: <c>sha256=&lt;hex&gt;</c>.</summary>
    public static string ComputeHexHeader(ReadOnlySpan<byte> body, string secret) => HexPrefix + ComputeHex(body, secret);

    private static bool Matches(ReadOnlySpan<byte> body, ReadOnlySpan<byte> received, string secret)
    {
        Span<byte> expected = stackalloc byte[HashBytes];
        Compute(body, secret, expected);
        return CryptographicOperations.FixedTimeEquals(expected, received);
    }

    private static void Compute(ReadOnlySpan<byte> body, string secret, Span<byte> destination)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        var key = Encoding.UTF8.GetBytes(secret);
        try
        {
            HMACSHA256.HashData(key, body, destination);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }
}

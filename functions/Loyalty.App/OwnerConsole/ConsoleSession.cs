using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Loyalty.App.Configuration;
using Microsoft.AspNetCore.Http;

namespace Loyalty.App.OwnerConsole;

/// <summary>
/// The console's sign-in: a cookie signed with a key derived from the admin key (so rotating
/// the admin key signs every session out), expiring after <see cref="Lifetime"/>, HttpOnly,
/// SameSite=Strict, Secure over HTTPS. A request carrying a valid cookie may use the admin
/// routes; one that changes something must also come from the console's own origin.
/// </summary>
public static class ConsoleSession
{
    /// <summary>The cookie's name.</summary>
    public const string CookieName = "loyalty_console";

    /// <summary>How long a sign-in lasts.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(8);

    /// <summary>A new signed cookie value for a session that starts at <paramref name="now"/>.</summary>
    public static string Mint(string adminKey, DateTimeOffset now)
    {
        var payload = "v1." + (now + Lifetime).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture) + "." + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        return payload + "." + Mac(adminKey, payload);
    }

    /// <summary>Whether <paramref name="value"/> is a cookie this service signed under <paramref name="adminKey"/> that has not expired.</summary>
    public static bool IsValid(string? value, string? adminKey, DateTimeOffset now)
    {
        if (!SecretRules.IsUsable(adminKey) || value is not { Length: > 0 and < 200 })
        {
            return false;
        }

        var parts = value.Split('.');
        if (parts.Length != 4 || parts[0] != "v1" || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var expires))
        {
            return false;
        }

        var expected = Encoding.ASCII.GetBytes(Mac(adminKey!, string.Join('.', parts[..3])));
        var given = Encoding.ASCII.GetBytes(parts[3]);
        return CryptographicOperations.FixedTimeEquals(expected, given) && now.ToUnixTimeSeconds() < expires;
    }

    /// <summary>
    /// Whether the request is signed in to the console and, unless it only reads (GET or HEAD),
    /// carries an <c>Origin</c> header naming this host.
    /// </summary>
    public static bool Allows(HttpRequest request, LoyaltyOptions keys)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(keys);
        if (!IsValid(request.Cookies[CookieName], keys.AdminKey, DateTimeOffset.UtcNow))
        {
            return false;
        }

        return HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || FromOwnOrigin(request);
    }

    /// <summary>Whether the request's <c>Origin</c> is this host (scheme, host and port).</summary>
    public static bool FromOwnOrigin(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var origin = request.Headers.Origin.ToString();
        return origin.Length > 0 && string.Equals(origin, (IsHttps(request) ? "https://" : "http://") + request.Host.Value, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Whether the request came over HTTPS (directly, or as the front end of Azure Functions says).</summary>
    public static bool IsHttps(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.IsHttps || string.Equals(request.Headers["X-Forwarded-Proto"].ToString(), "https", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The cookie's attributes.</summary>
    public static CookieOptions Options(HttpRequest request, DateTimeOffset? expires) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Strict,
        Secure = IsHttps(request),
        Path = "/",
        Expires = expires,
        IsEssential = true,
    };

    private static string Mac(string adminKey, string payload)
    {
        var key = SHA256.HashData(Encoding.UTF8.GetBytes("loyalty-console-session\n" + adminKey));
        return Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(payload))).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }
}

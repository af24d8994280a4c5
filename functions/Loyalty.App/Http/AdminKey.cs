using System.Security.Cryptography;
using System.Text;
using Loyalty.App.Configuration;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Loyalty.App.Http;

/// <summary>
/// The admin key check: the <c>x-functions-key</c> header only, never the <c>code</c> query
/// value (a query string ends up in request logs). Compared in constant time; a key that is
/// not configured, or does not keep to <see cref="SecretRules"/>, means no access.
/// </summary>
public static class AdminKey
{
    /// <summary>The header that carries a key, as Azure Functions names it.</summary>
    public const string Header = "x-functions-key";

    /// <summary>The query value that may carry the storefront key, as Azure Functions names it.</summary>
    public const string Query = "code";

    /// <summary>Whether the request carries the configured admin key in the header.</summary>
    public static bool IsAuthorized(HttpRequest request, string? configuredKey) =>
        SecretRules.IsUsable(configuredKey) && Matches(request.Headers[Header].ToString(), configuredKey);

    /// <summary>Whether the query string carries the admin key (refused, and worth a warning: the key is now in logs).</summary>
    public static bool IsInQuery(HttpRequest request, string? configuredKey) =>
        SecretRules.IsUsable(configuredKey) && request.Query[Query].Any(v => Matches(v ?? string.Empty, configuredKey));

    /// <summary>
    /// Null when the request carries the admin key in the header (or is signed in to the console,
    /// see <see cref="OwnerConsole.ConsoleSession"/>); otherwise the 401 to answer,
    /// logging a warning when the key came in the query string.
    /// </summary>
    public static IResult? Refuse(HttpRequest request, LoyaltyOptions keys, ILogger logger)
    {
        if (IsAuthorized(request, keys.AdminKey) || OwnerConsole.ConsoleSession.Allows(request, keys))
        {
            return null;
        }

        return InQuery(request, keys, logger) ?? Problems.Unauthorized(KeySent(request));
    }

    /// <summary>The 401 for an admin key sent in the query string, logged; null when it was not.</summary>
    internal static IResult? InQuery(HttpRequest request, LoyaltyOptions keys, ILogger logger)
    {
        if (!IsInQuery(request, keys.AdminKey))
        {
            return null;
        }

        logger.LogWarning("Refused a request with the admin key in its query string; request logs may now hold the key, so rotate {Setting}", LoyaltyOptions.AdminKeySetting);
        return Problems.AdminKeyInQuery();
    }

    /// <summary>Whether the request sent any key at all, in the header or the query string.</summary>
    internal static bool KeySent(HttpRequest request) =>
        !string.IsNullOrEmpty(request.Headers[Header].ToString()) || !string.IsNullOrEmpty(request.Query[Query].ToString());

    /// <summary>Constant-time comparison of a presented key with the configured one.</summary>
    internal static bool Matches(string presented, string configured) =>
        !string.IsNullOrEmpty(presented)
        && CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(presented)), SHA256.HashData(Encoding.UTF8.GetBytes(configured)));
}

/// <summary>
/// The storefront key check, for member reads, redemptions and benefit uses: the storefront key
/// as the <c>x-functions-key</c> header or the <c>code</c> query value, or the admin key as the
/// header (the admin may do whatever the storefront may).
/// </summary>
public static class StorefrontKey
{
    /// <summary>Whether the request carries the storefront key, or the admin key in the header.</summary>
    public static bool IsAuthorized(HttpRequest request, LoyaltyOptions keys)
    {
        if (AdminKey.IsAuthorized(request, keys.AdminKey))
        {
            return true;
        }

        if (!SecretRules.IsUsable(keys.StorefrontKey))
        {
            return false;
        }

        var presented = request.Headers[AdminKey.Header].ToString();
        if (string.IsNullOrEmpty(presented))
        {
            presented = request.Query[AdminKey.Query].ToString();
        }

        return AdminKey.Matches(presented, keys.StorefrontKey);
    }

    /// <summary>Null when the request may use a storefront route; otherwise the 401 to answer.</summary>
    public static IResult? Refuse(HttpRequest request, LoyaltyOptions keys, ILogger logger) =>
        IsAuthorized(request, keys) || OwnerConsole.ConsoleSession.Allows(request, keys) ? null : AdminKey.InQuery(request, keys, logger) ?? Problems.StorefrontUnauthorized(AdminKey.KeySent(request));
}

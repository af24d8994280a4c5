using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Loyalty.App.Http;

/// <summary>
/// The admin key check, as Azure Functions does it: the <c>x-functions-key</c> header or the
/// <c>code</c> query value. Compared in constant time; no key configured means no access.
/// </summary>
public static class AdminKey
{
    /// <summary>Whether the request carries the configured key.</summary>
    public static bool IsAuthorized(HttpRequest request, string? configuredKey)
    {
        if (string.IsNullOrEmpty(configuredKey))
        {
            return false;
        }

        var presented = request.Headers["x-functions-key"].ToString();
        if (string.IsNullOrEmpty(presented))
        {
            presented = request.Query["code"].ToString();
        }

        return !string.IsNullOrEmpty(presented)
            && CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(presented)), SHA256.HashData(Encoding.UTF8.GetBytes(configuredKey)));
    }
}

using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Loyalty.App.Configuration;

/// <summary>
/// What a key or signing secret must be before it is used: at least <see cref="MinimumBytes"/>
/// bytes, and not the text of a Key Vault or App Configuration reference that App Service could
/// not resolve (it then leaves the reference itself in the app setting, and that text can be
/// worked out from the app's host name). An absent value is allowed and turns its routes off.
/// Checked at start (each problem names its setting) and again on every request.
/// </summary>
public static class SecretRules
{
    /// <summary>The shortest usable key or secret, in UTF-8 bytes.</summary>
    public const int MinimumBytes = 16;

    /// <summary>Whether <paramref name="value"/> may be used to sign or authorize: set, long enough, not a reference.</summary>
    public static bool IsUsable([NotNullWhen(true)] string? value) => !string.IsNullOrEmpty(value) && Problem(value) is null;

    /// <summary>Why a configured value cannot be used, without the value itself; null when it can (or is absent).</summary>
    public static string? Problem(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        if (LooksLikeReference(value))
        {
            return "is an unresolved reference (@Microsoft.KeyVault(...) or @Microsoft.AppConfiguration(...)): the secret does not exist in the vault or the app's identity cannot read it.";
        }

        if (!string.Equals(value, value.Trim(), StringComparison.Ordinal))
        {
            return "has leading or trailing white space.";
        }

        if (Encoding.UTF8.GetByteCount(value) < MinimumBytes)
        {
            return $"is shorter than {MinimumBytes} bytes.";
        }

        return null;
    }

    /// <summary>The problems of a set of named values, each as <c>{setting}: {problem}</c>.</summary>
    public static IReadOnlyList<string> Problems(IEnumerable<(string Setting, string? Value)> values)
    {
        var errors = new List<string>();
        foreach (var (setting, value) in values)
        {
            if (Problem(value) is { } problem)
            {
                errors.Add($"{setting}: {problem}");
            }
        }

        return errors;
    }

    private static bool LooksLikeReference(string value)
    {
        var text = value.AsSpan().TrimStart();
        return text.StartsWith("@Microsoft.", StringComparison.OrdinalIgnoreCase)
            || text.Contains("SecretUri=", StringComparison.OrdinalIgnoreCase)
            || text.Contains("VaultName=", StringComparison.OrdinalIgnoreCase);
    }
}

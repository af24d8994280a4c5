namespace Loyalty.Core;

/// <summary>
/// Rules for ids that come from outside and end up in table keys (member, order, refund,
/// request and event ids). Table keys forbid '/', '\', '#', '?' and control characters, and
/// filters must never be built from raw input: anything outside this set is refused at intake.
/// </summary>
public static class Keys
{
    /// <summary>Longest id accepted.</summary>
    public const int MaxLength = 200;

    /// <summary>
    /// Whether <paramref name="id"/> is 1 to 200 characters of ASCII letters, digits and
    /// <c>- _ . : @ + =</c>, starting with a letter or digit (so no id reads as a path segment like "..").
    /// </summary>
    public static bool IsValid(string? id) =>
        id is { Length: > 0 and <= MaxLength }
        && char.IsAsciiLetterOrDigit(id[0])
        && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':' or '@' or '+' or '=');
}

namespace Loyalty.Core;

/// <summary>
/// Rules for ids that come from outside and end up in table keys (member, order, refund,
/// request and event ids). Table keys forbid '/', '\', '#', '?' and control characters, and
/// filters must never be built from raw input: anything outside this set is refused at intake.
/// </summary>
/// <remarks>
/// The limits are set so that every key derived from an id fits Table Storage's 1 KiB key
/// (UTF-16, so at most 512 characters) with room to spare. The longest derived ids are built
/// from a member id and a request id: <c>benefit:{member}:{benefit}:{request}</c> is
/// 8 + 64 + 1 + 64 (program ids) + 1 + 60 = 198 characters, within <see cref="MaxLength"/>;
/// the job ids (<c>expire:{member}:{yyyyMMdd}</c>, <c>remind:{member}:{yyyyMMdd}:{lead}</c>, ...)
/// are at most 84. The longest row keys are then <c>evt|{event id}</c> (204) and a tier
/// message's <c>msg|{event id}:tier-down</c> (214): 428 bytes, well inside 1 KiB.
/// No id may carry '@' (so no e-mail address reaches a key or a log line), and member and
/// order ids may not carry '+' (the form of a phone number in E.164).
/// </remarks>
public static class Keys
{
    /// <summary>Longest id accepted (event, order, line, refund ids; and every key derived from the others).</summary>
    public const int MaxLength = 200;

    /// <summary>Longest member id: every event id derived from a member id must stay within <see cref="MaxLength"/>.</summary>
    public const int MaxMemberIdLength = 64;

    /// <summary>Longest request id of a redemption, adjustment or benefit use (see the remarks for the arithmetic).</summary>
    public const int MaxRequestIdLength = 60;

    /// <summary>
    /// Whether <paramref name="id"/> is 1 to 200 characters of ASCII letters, digits and
    /// <c>- _ . : + =</c>, starting with a letter or digit (so no id reads as a path segment like "..").
    /// </summary>
    public static bool IsValid(string? id) =>
        id is { Length: > 0 and <= MaxLength }
        && char.IsAsciiLetterOrDigit(id[0])
        && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':' or '+' or '=');

    /// <summary>Whether <paramref name="id"/> is a valid member id: <see cref="IsValid"/>, at most <see cref="MaxMemberIdLength"/> characters, no '+'.</summary>
    public static bool IsValidMemberId(string? id) =>
        IsValid(id) && id!.Length <= MaxMemberIdLength && !id.Contains('+', StringComparison.Ordinal);

    /// <summary>Whether <paramref name="id"/> is a valid order id: <see cref="IsValid"/> and no '+'.</summary>
    public static bool IsValidOrderId(string? id) =>
        IsValid(id) && !id!.Contains('+', StringComparison.Ordinal);

    /// <summary>Whether <paramref name="id"/> is a valid request id: <see cref="IsValid"/> and at most <see cref="MaxRequestIdLength"/> characters.</summary>
    public static bool IsValidRequestId(string? id) =>
        IsValid(id) && id!.Length <= MaxRequestIdLength;

    /// <summary>The rule <see cref="IsValid"/> checks, in words, for error messages.</summary>
    public static string Rule(int maxLength = MaxLength) =>
        $"1 to {maxLength} ASCII letters, digits or - _ . : + =, starting with a letter or digit";

    /// <summary>The rule <see cref="IsValidMemberId"/> checks, in words.</summary>
    public static string MemberIdRule { get; } = $"1 to {MaxMemberIdLength} ASCII letters, digits or - _ . : =, starting with a letter or digit";

    /// <summary>The rule <see cref="IsValidOrderId"/> checks, in words.</summary>
    public static string OrderIdRule { get; } = $"1 to {MaxLength} ASCII letters, digits or - _ . : =, starting with a letter or digit";
}

using Microsoft.AspNetCore.Http;

namespace Loyalty.App.Http;

/// <summary>RFC 7807 problem results with a stable <c>type</c> and, where there is one, the field at fault.</summary>
public static class Problems
{
    /// <summary>The problem type URI for a slug: a relative reference, stable across deployments.</summary>
    public static string TypeUri(string slug) => "/problems/" + slug;

    /// <summary>A problem result.</summary>
    public static IResult Create(int status, string slug, string title, string detail, string? field = null) =>
        Results.Problem(
            statusCode: status,
            type: TypeUri(slug),
            title: title,
            detail: detail,
            extensions: field is null ? null : new Dictionary<string, object?> { ["field"] = field });

    /// <summary>400 for a body or field that does not fit.</summary>
    public static IResult Invalid(string field, string detail) =>
        Create(StatusCodes.Status400BadRequest, "invalid-field", "The request is invalid.", detail, field);

    /// <summary>400 for an id that breaks the key rules (see <see cref="Loyalty.Core.Keys"/>); the value is never echoed.</summary>
    public static IResult InvalidId(string field, string? note = null, string? rule = null) =>
        Invalid(field, $"{field}{(note is null ? string.Empty : $" ({note})")}: {rule ?? Loyalty.Core.Keys.Rule()}.");

    /// <summary>401 for a missing or wrong admin key.</summary>
    public static IResult Unauthorized() =>
        Create(StatusCodes.Status401Unauthorized, "unauthorized", "Authentication required.", "Send the admin key as the x-functions-key header or the code query value.");

    /// <summary>404 for a member that does not exist.</summary>
    public static IResult MemberNotFound() =>
        Create(StatusCodes.Status404NotFound, "member-not-found", "No such member.", "No member has this id.");

    /// <summary>413 for a body over the limit.</summary>
    public static IResult TooLarge(int limit) =>
        Create(StatusCodes.Status413PayloadTooLarge, "payload-too-large", "The request body is too large.", $"Bodies are limited to {limit} bytes.");
}

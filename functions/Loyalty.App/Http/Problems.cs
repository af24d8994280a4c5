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

    /// <summary>401 on an admin route: no key sent (<c>unauthorized</c>), or a key that was not accepted (<c>key-not-accepted</c>).</summary>
    public static IResult Unauthorized(bool keySent) =>
        KeyProblem(keySent, "Send the admin key as the x-functions-key header.");

    /// <summary>401 on a storefront route (member reads, redemptions, benefit uses), as <see cref="Unauthorized"/>.</summary>
    public static IResult StorefrontUnauthorized(bool keySent) =>
        KeyProblem(keySent, "Send the storefront key as the x-functions-key header or the code query value, or the admin key as the header.");

    /// <summary>401 for the admin key sent in the query string, where request logs keep it.</summary>
    public static IResult AdminKeyInQuery() =>
        Create(StatusCodes.Status401Unauthorized, "admin-key-in-query", "The admin key is not accepted in the query string.", "Send the admin key only as the x-functions-key header; a query string ends up in request logs, so rotate this key.", "code");

    /// <summary>404 for a member that does not exist.</summary>
    public static IResult MemberNotFound() =>
        Create(StatusCodes.Status404NotFound, "member-not-found", "No such member.", "No member has this id.");

    /// <summary>413 for a body over the limit.</summary>
    public static IResult TooLarge(int limit) =>
        Create(StatusCodes.Status413PayloadTooLarge, "payload-too-large", "The request body is too large.", $"Bodies are limited to {limit} bytes.");

    /// <summary>
    /// 503 with <c>Retry-After</c> when the member changed under every attempt to commit
    /// (many writers on one member at once): nothing was written, and the same request
    /// (same <c>requestId</c>) can be sent again safely.
    /// </summary>
    public static IResult MemberBusy(int retryAfterSeconds) =>
        new WithHeader(
            Create(StatusCodes.Status503ServiceUnavailable, "member-busy", "The member is being changed by other requests.", $"Nothing was written. Send the same request again (same requestId) after {retryAfterSeconds} second(s)."),
            "Retry-After",
            retryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));

    // One problem type per meaning: a key that was sent and refused is not a missing one.
    private static IResult KeyProblem(bool keySent, string how) => keySent
        ? Create(StatusCodes.Status401Unauthorized, "key-not-accepted", "The key was not accepted.", "The key sent is not a key of this service. " + how)
        : Create(StatusCodes.Status401Unauthorized, "unauthorized", "Authentication required.", how);

    private sealed class WithHeader(IResult inner, string name, string value) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers[name] = value;
            return inner.ExecuteAsync(httpContext);
        }
    }
}

using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Loyalty.App.Configuration;
using Loyalty.App.Http;
using Loyalty.Core;
using Loyalty.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Loyalty.App.MemberPage;

/// <summary>
/// The member's own page, opened from a signed link (<see cref="MemberPageLinks"/>) with no key:
/// the page itself, what it shows (one member's points, tier, benefits, rewards and codes), its
/// redeem button (the redemption handler, so the one decide-and-commit path), and the owner's
/// route that makes a link.
/// </summary>
public sealed class MemberPageHandlers(
    MemberPageLinks links,
    ShopifyAppProxy proxy,
    MemberStore store,
    MemberHandlers members,
    LoyaltyProgram program,
    IOptions<MemberPageOptions> pageOptions,
    IOptions<LoyaltyOptions> keys,
    TimeProvider clock,
    ILogger<MemberPageHandlers> logger)
{
    private static readonly PageShell Shell = PageShell.Load();

    /// <summary>
    /// <c>GET /api/member-page/{memberId}?expires=&amp;signature=</c>: the page (its script reads the
    /// summary with the same link). A link that is missing, tampered, another member's or expired
    /// gets the page with the refusal's status and only the words "this link does not work".
    /// </summary>
    public IResult Page(HttpRequest request, string memberId) =>
        PageAnswer(request, links.Refuse(request, memberId, clock.GetUtcNow()), "ok");

    /// <summary>
    /// <c>GET /api/shopify-proxy/member-page</c>, forwarded by Shopify's app proxy from the storefront
    /// (<see cref="ShopifyAppProxy"/>): the same page for the signed-in customer, a page asking them to
    /// sign in when nobody is, and the refusal (403) for a request Shopify did not sign or signed too long ago.
    /// </summary>
    public IResult ProxyPage(HttpRequest request)
    {
        var (memberId, refused) = proxy.Check(request, clock.GetUtcNow());
        return PageAnswer(request, refused, memberId is null ? "sign-in" : "ok");
    }

    /// <summary><c>GET /api/shopify-proxy/member-page/summary</c>: what the page shows, for the customer Shopify signed in; 401 <c>sign-in-required</c> for nobody.</summary>
    public async Task<IResult> ProxySummaryAsync(HttpRequest request, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var (memberId, refused) = proxy.Check(request, now);
        return refused ?? (memberId is null ? SignInRequired() : await SummaryOfAsync(request, memberId, now, ct));
    }

    /// <summary>
    /// <c>POST /api/shopify-proxy/member-page/redemptions</c> <c>{ rewardId, requestId }</c>: the signed-in
    /// customer's own redemption, as the signed link's. The body must be <c>application/json</c>: a form
    /// of another site cannot send that without a preflight, which this route does not answer, so a
    /// customer signed in to the shop cannot be made to redeem from elsewhere.
    /// </summary>
    public Task<IResult> ProxyRedeemAsync(HttpRequest request, CancellationToken ct)
    {
        var (memberId, refused) = proxy.Check(request, clock.GetUtcNow());
        if (refused is not null || memberId is null)
        {
            return Task.FromResult(refused ?? SignInRequired());
        }

        return request.ContentType?.Split(';')[0].Trim().Equals("application/json", StringComparison.OrdinalIgnoreCase) == true
            ? members.RedeemWithoutKeyAsync(request, memberId, ct)
            : Task.FromResult(Problems.Create(StatusCodes.Status415UnsupportedMediaType, "unsupported-media-type", "The body must be JSON.", "Send Content-Type: application/json."));
    }

    private static IResult SignInRequired() =>
        Problems.Create(StatusCodes.Status401Unauthorized, "sign-in-required", "Sign in to the shop first.", "Nobody is signed in to the shop's storefront.");

    // The page with its script told whether it works ("ok"), asks to sign in, or was refused (with the refusal's status).
    private IResult PageAnswer(HttpRequest request, IResult? refused, string link)
    {
        var status = refused is IStatusCodeHttpResult { StatusCode: { } code } ? code : StatusCodes.Status200OK;
        var response = request.HttpContext.Response;
        response.Headers.ContentSecurityPolicy = Shell.Policy;
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers.CacheControl = "no-store";

        // The signature is in the address: never sent on as a referrer.
        response.Headers["Referrer-Policy"] = "no-referrer";
        return Results.Content(Shell.Html(refused is null ? link : "refused"), "text/html; charset=utf-8", Encoding.UTF8, status);
    }

    /// <summary><c>GET /api/member-page/{memberId}/summary?expires=&amp;signature=</c>: what the page shows.</summary>
    public async Task<IResult> SummaryAsync(HttpRequest request, string memberId, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        return links.Refuse(request, memberId, now) is { } refused ? refused : await SummaryOfAsync(request, memberId, now, ct);
    }

    private async Task<IResult> SummaryOfAsync(HttpRequest request, string memberId, DateTimeOffset now, CancellationToken ct)
    {
        var stateTask = store.GetStateAsync(memberId, ct);
        var redemptionsTask = store.GetRedemptionsAsync(memberId, ct);
        var discountsTask = store.GetDiscountsAsync(memberId, ct);
        if (await stateTask is not { } state)
        {
            return Problems.MemberNotFound();
        }

        request.HttpContext.Response.Headers.CacheControl = "no-store";
        return Results.Json(MemberPageView.From(state, await redemptionsTask, await discountsTask, program, now), EventEnvelope.Json);
    }

    /// <summary>
    /// <c>POST /api/member-page/{memberId}/redemptions?expires=&amp;signature=</c> <c>{ rewardId, requestId }</c>:
    /// the member's own redemption, answered as <c>POST /api/members/{memberId}/redemptions</c> answers.
    /// </summary>
    public Task<IResult> RedeemAsync(HttpRequest request, string memberId, CancellationToken ct) =>
        links.Refuse(request, memberId, clock.GetUtcNow()) is { } refused
            ? Task.FromResult(refused)
            : members.RedeemWithoutKeyAsync(request, memberId, ct);

    /// <summary>
    /// <c>POST /api/admin/members/{memberId}/page-links</c> <c>{ "days"? }</c> (admin key): a link to
    /// the member's page for a message or the shop's account page; writes nothing.
    /// </summary>
    public async Task<IResult> CreateLinkAsync(HttpRequest request, string memberId, CancellationToken ct)
    {
        if (AdminKey.Refuse(request, keys.Value, logger) is { } refused)
        {
            return refused;
        }

        if (!Keys.IsValidMemberId(memberId))
        {
            return Problems.InvalidId("memberId", rule: Keys.MemberIdRule);
        }

        var (body, problem) = await RequestReading.ReadOptionalJsonAsync(request, 1024, new LinkRequest(null), ct);
        if (problem is not null)
        {
            return problem;
        }

        var days = body?.Days ?? pageOptions.Value.LinkDays;
        if (days is < 1 or > MemberPageOptions.MaxLinkDays)
        {
            return Problems.Invalid("days", $"days is a whole number from 1 to {MemberPageOptions.MaxLinkDays}.");
        }

        if (!links.IsOn)
        {
            return Problems.Create(StatusCodes.Status409Conflict, "member-page-off", "The member page has no link key.", "Set Loyalty:MemberPage:LinkSecret to make links.");
        }

        if (await store.GetStateAsync(memberId, ct) is null)
        {
            return Problems.MemberNotFound();
        }

        var expiresAt = DateTimeOffset.FromUnixTimeSeconds(clock.GetUtcNow().AddDays(days).ToUnixTimeSeconds());
        var url = $"{request.Scheme}://{request.Host}{links.PathAndQuery(memberId, expiresAt)}";
        logger.LogInformation("Member page link made for {MemberId}, expiring {ExpiresAt}", memberId, expiresAt);
        return Results.Json(new LinkView(memberId, url, expiresAt), EventEnvelope.Json);
    }

    private sealed record LinkRequest(int? Days);

    /// <summary>A link to a member's page.</summary>
    public sealed record LinkView(string MemberId, string Url, DateTimeOffset ExpiresAt);

    // The page's HTML with its script and style inline, allowed by their hashes only.
    private sealed class PageShell
    {
        private const string Prefix = "Loyalty.App.MemberPage.assets.";

        private string _template = string.Empty;

        public string Policy { get; private set; } = string.Empty;

        public string Html(string link) => _template.Replace("data-link=\"unknown\"", $"data-link=\"{link}\"", StringComparison.Ordinal);

        public static PageShell Load()
        {
            var script = Read("member-page.js");
            var style = Read("member-page.css");
            static string Hash(string text) => "'sha256-" + Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(text))) + "'";
            return new PageShell
            {
                _template = Read("member-page.html").Replace("/*STYLE*/", style, StringComparison.Ordinal).Replace("/*SCRIPT*/", script, StringComparison.Ordinal),
                Policy = string.Create(CultureInfo.InvariantCulture, $"default-src 'none'; script-src {Hash(script)}; style-src {Hash(style)}; connect-src 'self'; img-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'"),
            };
        }

        private static string Read(string name)
        {
            using var stream = typeof(PageShell).Assembly.GetManifestResourceStream(Prefix + name) ?? throw new InvalidOperationException($"The member page asset {name} is not embedded.");
            using var reader = new StreamReader(stream, Encoding.UTF8);
            return reader.ReadToEnd();
        }
    }
}

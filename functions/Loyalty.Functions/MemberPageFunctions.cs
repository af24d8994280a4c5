using Loyalty.App.MemberPage;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace Loyalty.Functions;

/// <summary>The member's own page and the owner's link route, each a line into <see cref="MemberPageHandlers"/>.</summary>
public sealed class MemberPageFunctions(MemberPageHandlers page)
{
    [Function("MemberPage")]
    public IResult MemberPage([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/member-page/{memberId}")] HttpRequest request, string memberId) =>
        page.Page(request, memberId);

    [Function("GetMemberPageSummary")]
    public Task<IResult> GetMemberPageSummary([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/member-page/{memberId}/summary")] HttpRequest request, string memberId, CancellationToken ct) =>
        page.SummaryAsync(request, memberId, ct);

    [Function("RedeemOnMemberPage")]
    public Task<IResult> RedeemOnMemberPage([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/member-page/{memberId}/redemptions")] HttpRequest request, string memberId, CancellationToken ct) =>
        page.RedeemAsync(request, memberId, ct);

    [Function("CreateMemberPageLink")]
    public Task<IResult> CreateMemberPageLink([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/admin/members/{memberId}/page-links")] HttpRequest request, string memberId, CancellationToken ct) =>
        page.CreateLinkAsync(request, memberId, ct);
}

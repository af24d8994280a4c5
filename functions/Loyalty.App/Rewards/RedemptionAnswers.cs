using Loyalty.App.Http;
using Loyalty.Core;
using Microsoft.AspNetCore.Http;

namespace Loyalty.App.Rewards;

/// <summary>The shop's discount of a redemption as the API shows it.</summary>
/// <param name="Status"><c>waiting</c> or <c>creating</c> (on its way), <c>created</c>, <c>refused</c>, <c>used</c> (an order used the code), <c>deleting</c> or <c>deleted</c> (expired unused, or reversed).</param>
public sealed record DiscountView(string Channel, string Status, DateTimeOffset ExpiresAt, int Attempts, string? Reason, DateTimeOffset? CreatedAt)
{
    /// <summary>The view of a discount row.</summary>
    public static DiscountView From(DiscountOrder d)
    {
        ArgumentNullException.ThrowIfNull(d);
        return new(d.Channel, d.Status, d.ExpiresAt, d.Attempts, d.Reason, d.CreatedInShopAt);
    }
}

/// <summary>How <c>POST .../redemptions</c> answers once the points are spent.</summary>
public static class RedemptionAnswers
{
    /// <summary>
    /// 201 (200 for a repeated request) with the code when the shop has the discount or the shop
    /// has no channel; 202 without the code while it is on its way (the same request later answers
    /// with it); 409 <c>discount-refused</c> when the shop refused it for good and the points are back.
    /// </summary>
    public static IResult Answer(RedemptionRecord redemption, DiscountOrder? discount, bool isNew)
    {
        ArgumentNullException.ThrowIfNull(redemption);
        var view = new MemberHandlers.RedemptionView(redemption.RequestId, redemption.RewardId, redemption.Code, redemption.PointsSpent, redemption.BalanceAfter, redemption.RedeemedAt, redemption.Reversed, discount is null ? null : DiscountView.From(discount));
        var status = isNew ? StatusCodes.Status201Created : StatusCodes.Status200OK;
        switch (discount?.Status)
        {
            case DiscountStatuses.Refused:
                return Problems.Create(StatusCodes.Status409Conflict, "discount-refused", "The shop refused this reward.", $"{discount.Reason}. The points are back on the member's balance.");
            case DiscountStatuses.Waiting or DiscountStatuses.Creating:
                return Results.Json(view with { Code = null }, EventEnvelope.Json, statusCode: StatusCodes.Status202Accepted);
            default:
                return Results.Json(view, EventEnvelope.Json, statusCode: status);
        }
    }
}

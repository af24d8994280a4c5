using Loyalty.Core;

namespace Loyalty.App.Intake;

/// <summary>
/// Keys that name one order of one shop, <c>{source}:order:{orderId}</c>, e.g.
/// <c>shopify:acme.myshopify.com:order:5512345678901</c>: the key of an order-to-member index
/// that routes Shopify refunds (see <see cref="IntakeAcceptedByOrder"/>).
/// </summary>
public static class OrderKeys
{
    private const string PaidSuffix = ":paid";

    /// <summary>The key of order <paramref name="orderId"/> at <paramref name="source"/> (e.g. <c>shopify:{shop}</c>).</summary>
    public static string For(string source, string orderId) => $"{source}:order:{orderId}";

    /// <summary>
    /// The key of the order a purchase from a webhook intake credits (its event id without
    /// <c>:paid</c>), or null for a purchase whose event id does not follow that pattern
    /// (generic API purchases: those callers always name the member themselves).
    /// </summary>
    public static string? Of(PurchaseCompleted purchase)
    {
        ArgumentNullException.ThrowIfNull(purchase);
        var expectedTail = $":order:{purchase.OrderId}{PaidSuffix}";
        return purchase.EventId.EndsWith(expectedTail, StringComparison.Ordinal) && purchase.EventId.Length > expectedTail.Length
            ? purchase.EventId[..^PaidSuffix.Length]
            : null;
    }
}

using Loyalty.App.Intake;
using Loyalty.Core;

namespace Loyalty.App.Processing;

/// <summary>
/// Which shop order an event is about, for the order's claim (see <see cref="Loyalty.Storage.OrderClaims"/>).
/// Events whose member is known only through their order (a Shopify refund names its order,
/// not its customer) travel with a placeholder member id that the claim replaces; placeholders
/// start with '@', which no real member id can (see <see cref="Keys.IsValid"/>).
/// </summary>
public static class OrderRouting
{
    private const string Prefix = "@order:";

    // The intakes whose order ids are the shop's own, so one order is one claim. The generic
    // API names its members itself and its event ids are its own (api:…): it claims nothing.
    private static readonly string[] ShopSources = ["shopify:", "woo:"];

    /// <summary>The placeholder member id for events routed by <paramref name="orderKey"/>.</summary>
    public static string Placeholder(string orderKey) => Prefix + orderKey;

    /// <summary>
    /// The claim key (<c>{source}:order:{orderId}</c>) of a shop purchase, refund or cancellation,
    /// taken from its event id (<c>{key}:paid</c>, <c>{key}:refund:{id}</c>, <c>{key}:refunded</c>,
    /// <c>{key}:cancelled</c>); null for every other event.
    /// </summary>
    public static string? ClaimKeyOf(LoyaltyEvent evt)
    {
        ArgumentNullException.ThrowIfNull(evt);
        var key = evt switch
        {
            PurchaseCompleted p => OrderKeys.Of(p),
            OrderRefunded r => Before(r.EventId, r.OrderId),
            OrderCancelled c => Before(c.EventId, c.OrderId),
            _ => null,
        };
        return key is not null && ShopSources.Any(s => key.StartsWith(s, StringComparison.Ordinal)) ? key : null;
    }

    private static string? Before(string eventId, string orderId)
    {
        var marker = $":order:{orderId}:";
        var at = eventId.IndexOf(marker, StringComparison.Ordinal);
        return at > 0 ? eventId[..(at + marker.Length - 1)] : null;
    }
}

using Loyalty.App.Intake;
using Loyalty.Core;

namespace Loyalty.App.Processing;

/// <summary>
/// Events whose member is known only through their order (a Shopify refund names its order,
/// not its customer) travel with a placeholder member id; the processor resolves it from the
/// order index, which it fills when it credits such an order. Placeholders start with '@',
/// which no real member id can (see <see cref="Keys.IsValid"/>).
/// </summary>
public static class OrderRouting
{
    private const string Prefix = "@order:";

    /// <summary>The placeholder member id for events routed by <paramref name="orderKey"/>.</summary>
    public static string Placeholder(string orderKey) => Prefix + orderKey;

    /// <summary>Whether <paramref name="memberId"/> is a placeholder, and for which order key.</summary>
    public static bool TryGetOrderKey(string memberId, out string orderKey)
    {
        orderKey = memberId.StartsWith(Prefix, StringComparison.Ordinal) ? memberId[Prefix.Length..] : string.Empty;
        return orderKey.Length > 0;
    }

    /// <summary>
    /// The index key to record when crediting <paramref name="purchase"/>, or null. Only
    /// Shopify's refunds need the index, so only Shopify orders pay for the extra write.
    /// </summary>
    public static string? IndexKeyOf(PurchaseCompleted purchase) =>
        OrderKeys.Of(purchase) is { } key && key.StartsWith("shopify:", StringComparison.Ordinal) ? key : null;
}

using Loyalty.App.Processing;
using Loyalty.Core;

namespace Loyalty.Local;

/// <summary>
/// A few demo members with history, applied through the same decide-and-commit path as
/// everything else. Event ids are fixed, so loading again changes nothing.
/// </summary>
public sealed class DemoSeed(MemberCommands commands, TimeProvider clock)
{
    /// <summary>The demo member ids, for the start-up hints.</summary>
    public static IReadOnlyList<string> MemberIds { get; } = ["demo-ada", "demo-grace", "demo-linus"];

    /// <summary>Applies the demo events; returns the number of demo members.</summary>
    public async Task<int> LoadAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        foreach (var evt in Events(now))
        {
            await commands.ApplyAsync(evt, ct);
        }

        return MemberIds.Count;
    }

    private static IEnumerable<LoyaltyEvent> Events(DateTimeOffset now)
    {
        var ada = new MemberProfile("ada@example.com", "Ada", "Lovelace", new DateOnly(1990, 12, 10));
        yield return new MemberEnrolled("demo:ada:enrolled", "demo-ada", now.AddDays(-40), ada);
        yield return Purchase("demo-ada", "D-1001", now.AddDays(-38), null, ("SKU-TEA", "Tea", 2, 18.50m, 0m), ("SKU-POT", "Teaware", 1, 64.00m, 6.40m));
        yield return Purchase("demo-ada", "D-1002", now.AddDays(-12), null, ("SKU-CUP", "Teaware", 4, 12.00m, 0m));
        yield return new RedemptionRequested("redeem:demo-ada:demo-1", "demo-ada", now.AddDays(-10), "demo-1", "usd-5-off", "LOY-DEMOADA5OFF");

        // Ada reaches Gold (1,500.00 of rolling spend) and uses one of its two free deliveries this month.
        yield return Purchase("demo-ada", "D-1003", now.AddDays(-3), null, ("SKU-SAMOVAR", "Teaware", 1, 1450.00m, 0m));
        yield return new BenefitUsed("benefit:demo-ada:free-delivery:demo-1", "demo-ada", now.AddDays(-2), "demo-1", "free-delivery", "order D-1003");

        var grace = new MemberProfile("grace@example.com", "Grace", "Hopper", new DateOnly(1985, 2, 9));
        yield return new MemberEnrolled("demo:grace:enrolled", "demo-grace", now.AddDays(-30), grace);
        yield return Purchase("demo-grace", "D-2001", now.AddDays(-29), null, ("SKU-BEANS", "Coffee", 3, 16.00m, 0m), ("SKU-GRINDER", "Equipment", 1, 129.00m, 10.00m));
        yield return new OrderRefunded("demo:order:D-2001:refund:R-1", "demo-grace", now.AddDays(-20), "D-2001", "R-1", [new RefundLine("D-2001-2", 1, 119.00m)]);
        yield return Purchase("demo-grace", "D-2002", now.AddDays(-6), null, ("SKU-ESPRESSO", "Equipment", 1, 520.00m, 20.00m));

        var linus = new MemberProfile("linus@example.com", "Linus", "Torvalds");
        yield return Purchase("demo-linus", "D-3001", now.AddDays(-5), linus, ("SKU-KETTLE", "Equipment", 1, 89.99m, 0m), ("SKU-FILTER", "Coffee", 2, 4.50m, 0m));
        yield return new PointsAdjusted("adjust:demo-linus:welcome", "demo-linus", now.AddDays(-4), 25, "Goodwill for a late delivery", "demo");
    }

    private static PurchaseCompleted Purchase(string memberId, string orderId, DateTimeOffset at, MemberProfile? profile, params (string Sku, string Category, int Qty, decimal Price, decimal Discount)[] lines)
    {
        var orderLines = lines.Select((l, i) => new OrderLine($"{orderId}-{i + 1}", l.Sku, l.Category, l.Qty, l.Price, l.Discount)).ToList();
        var total = orderLines.Sum(l => l.Merchandise) + 7.95m;
        return new PurchaseCompleted($"demo:order:{orderId}:paid", memberId, at, orderId, "USD", orderLines, total, profile);
    }
}

using FsCheck;
using FsCheck.Fluent;

namespace Loyalty.Core.Tests;

/// <summary>One thing that happens to the member in a generated scenario.</summary>
public abstract record Step;

/// <summary>The member enrols, with one of a few profiles.</summary>
public sealed record EnrolStep(int Profile) : Step;

/// <summary>An order is paid (maybe in the wrong currency); tax and shipping come on top.</summary>
public sealed record BuyStep(int Order, IReadOnlyList<decimal> Lines, decimal Extra, bool OtherCurrency) : Step
{
    public override string ToString() =>
        $"Buy(o{Order}, [{string.Join(", ", Lines)}] + {Extra}{(OtherCurrency ? ", EUR" : string.Empty)})";
}

/// <summary>Part of one line of an order is refunded.</summary>
public sealed record RefundLineStep(int Order, int Refund, int Line, int Percent) : Step;

/// <summary>An amount of the order total is refunded.</summary>
public sealed record RefundAmountStep(int Order, int Refund, int Percent) : Step;

/// <summary>The whole order is refunded.</summary>
public sealed record RefundFullStep(int Order, int Refund) : Step;

/// <summary>The order is cancelled.</summary>
public sealed record CancelStep(int Order) : Step;

/// <summary>The member asks for a reward (an index past the catalog is an unknown reward).</summary>
public sealed record RedeemStep(int Request, int Reward) : Step;

/// <summary>A redemption is reversed.</summary>
public sealed record ReverseStep(int Request) : Step;

/// <summary>An admin adjusts the balance.</summary>
public sealed record AdjustStep(long Points) : Step;

/// <summary>An earlier event is delivered again with its own event id.</summary>
public sealed record RedeliverStep(int Back) : Step;

/// <summary>An earlier event is sent again under a new event id (e.g. orders/paid and order.updated for one order).</summary>
public sealed record ResendStep(int Back) : Step;

/// <summary>A timer job's event for today: 0 expiry (of yesterday), 1 activation, 2 tier review, 3 birthday, 4 reminder of the first lot.</summary>
public sealed record TimerStep(int Job) : Step;

/// <summary>The member uses one of the tier benefits (an index past the list is one no tier grants).</summary>
public sealed record BenefitStep(int Request, int Benefit) : Step;

/// <summary>The member is referred by another member (0) or by themselves (1).</summary>
public sealed record ReferStep(int Referrer) : Step;

/// <summary>Time passes.</summary>
public sealed record WaitStep(int Hours) : Step;

/// <summary>A program and what happens to one member under it.</summary>
public sealed record Scenario(int ProgramIndex, IReadOnlyList<Step> Steps)
{
    public override string ToString() =>
        $"program {ProgramIndex}:{Environment.NewLine}  {string.Join(Environment.NewLine + "  ", Steps)}";
}

/// <summary>FsCheck generators for <see cref="Scenario"/>, shrinking by dropping steps.</summary>
public static class ScenarioArbitrary
{
    /// <summary>The programs scenarios run under: different rates, rounding, lifetimes, zones, bonuses and limits.</summary>
    public static IReadOnlyList<LoyaltyProgram> Programs { get; } =
    [
        new LoyaltyProgram
        {
            Currency = "USD",
            EarnRate = 1m,
            Rounding = RoundingMode.Down,
            PointsLifetimeDays = 30,
            SignUpBonus = 20,
            TimeZone = "UTC",
            Rewards =
            [
                new Reward("small", "Small", RewardKind.Gift, 10),
                new Reward("medium", "Medium", RewardKind.FixedDiscount, 25, Value: 2m, PerMemberLimit: 2),
                new Reward("large", "Large", RewardKind.PercentDiscount, 60, Value: 10m),
                new Reward("huge", "Huge", RewardKind.FreeProduct, 150, Sku: "X", PerMemberLimit: 1),
            ],
        },
        LoyaltyProgram.Demo,
        new LoyaltyProgram
        {
            Currency = "EUR",
            EarnRate = 1.5m,
            Rounding = RoundingMode.Nearest,
            PointsLifetimeDays = 0,
            SignUpBonus = 0,
            TimeZone = "Europe/Berlin",
            Rewards = [new Reward("a", "A", RewardKind.Gift, 7), new Reward("b", "B", RewardKind.Gift, 33, PerMemberLimit: 3)],
        },
        new LoyaltyProgram
        {
            Currency = "JPY",
            EarnRate = 0.1m,
            Rounding = RoundingMode.Up,
            PointsLifetimeDays = 7,
            SignUpBonus = 5,
            TimeZone = "Asia/Tokyo",
            Rewards = [new Reward("a", "A", RewardKind.Gift, 3), new Reward("b", "B", RewardKind.Gift, 12)],
        },
        LoyaltyProgram.Demo with
        {
            TimeZone = "Pacific/Auckland",
            PointsLifetimeDays = 20,
            PendingDays = 3,
            ExpiryMode = ExpiryMode.ActivityExtends,
            TierRules = LoyaltyProgram.Demo.TierRules with { Measure = TierMeasure.Orders, GraceDays = 2, Downgrade = DowngradeMode.ToQualified, Review = TierReviewMode.FixedDate, ReviewMonth = 3, ReviewDay = 20 },
            Tiers = [.. LoyaltyProgram.Demo.Tiers.Select((t, i) => t with { Threshold = i * 2 })],
            Promotions = [new Promotion("always", "Always on", DateOnly.MinValue, DateOnly.MaxValue, Multiplier: 3m, Bonus: 7, Skus: ["SKU-0"])],
        },
    ];

    /// <summary>Benefit ids the scenarios use (the demo's, then one no tier grants).</summary>
    public static IReadOnlyList<string> Benefits { get; } = ["free-delivery", "birthday-gift", "priority-support", "early-access", "no-such-benefit"];

    public static Arbitrary<Scenario> Scenarios() =>
        Arb.From(
            from program in Gen.Choose(0, Programs.Count - 1)
            from steps in Gen.ListOf(StepGen)
            select new Scenario(program, [.. steps]),
            Shrink);

    private static Gen<decimal> Money(int maxCents) => Gen.Choose(0, maxCents).Select(c => c / 100m);

    private static Gen<int> OrderIndex => Gen.Choose(0, 4);

    private static Gen<Step> StepGen => Gen.Frequency<Step>(
        (1, Gen.Choose(0, 2).Select(p => (Step)new EnrolStep(p))),
        (6, from order in OrderIndex
            from lines in Gen.NonEmptyListOf(Money(15_000)).Select(l => l.Take(4).ToList())
            from extra in Money(2_000)
            from other in Gen.Frequency((12, Gen.Constant(false)), (1, Gen.Constant(true)))
            select (Step)new BuyStep(order, lines, extra, other)),
        (2, from order in OrderIndex
            from refund in Gen.Choose(0, 3)
            from line in Gen.Choose(0, 3)
            from percent in Gen.Choose(0, 100)
            select (Step)new RefundLineStep(order, refund, line, percent)),
        (2, from order in OrderIndex
            from refund in Gen.Choose(0, 3)
            from percent in Gen.Choose(0, 120)
            select (Step)new RefundAmountStep(order, refund, percent)),
        (1, from order in OrderIndex from refund in Gen.Choose(0, 3) select (Step)new RefundFullStep(order, refund)),
        (1, OrderIndex.Select(o => (Step)new CancelStep(o))),
        (5, from request in Gen.Choose(0, 5) from reward in Gen.Choose(0, 4) select (Step)new RedeemStep(request, reward)),
        (2, Gen.Choose(0, 5).Select(r => (Step)new ReverseStep(r))),
        (2, Gen.Choose(-200, 200).Select(p => (Step)new AdjustStep(p))),
        (1, Gen.Choose(0, 1000).Select(b => (Step)new RedeliverStep(b))),
        (2, Gen.Choose(0, 1000).Select(b => (Step)new ResendStep(b))),
        (3, Gen.Choose(1, 24 * 20).Select(h => (Step)new WaitStep(h))),
        (3, Gen.Choose(0, 4).Select(j => (Step)new TimerStep(j))),
        (2, from request in Gen.Choose(0, 5) from benefit in Gen.Choose(0, Benefits.Count - 1) select (Step)new BenefitStep(request, benefit)),
        (1, Gen.Choose(0, 1).Select(r => (Step)new ReferStep(r))));

    private static IEnumerable<Scenario> Shrink(Scenario scenario)
    {
        var steps = scenario.Steps;
        if (steps.Count > 1)
        {
            yield return scenario with { Steps = [.. steps.Take(steps.Count / 2)] };
        }

        for (var i = 0; i < steps.Count; i++)
        {
            yield return scenario with { Steps = [.. steps.Take(i), .. steps.Skip(i + 1)] };
        }

        if (scenario.ProgramIndex != 0)
        {
            yield return scenario with { ProgramIndex = 0 };
        }
    }
}

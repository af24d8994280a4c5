namespace Loyalty.Core;

/// <summary>How the points of one order are rounded to a whole number.</summary>
public enum RoundingMode
{
    /// <summary>Round toward zero (the demo program: 1 point per whole 1.00).</summary>
    Down,

    /// <summary>Round half away from zero.</summary>
    Nearest,

    /// <summary>Round away from zero.</summary>
    Up,
}

/// <summary>What a reward gives the member.</summary>
public enum RewardKind
{
    /// <summary>A fixed amount off an order (<see cref="Reward.Value"/> in the program currency).</summary>
    FixedDiscount,

    /// <summary>A percentage off an order (<see cref="Reward.Value"/> in percent).</summary>
    PercentDiscount,

    /// <summary>Free shipping on one order.</summary>
    FreeShipping,

    /// <summary>A product for free (<see cref="Reward.Sku"/>).</summary>
    FreeProduct,

    /// <summary>A gift handed over by the shop.</summary>
    Gift,

    /// <summary>
    /// A service the shop renders (a free consultation, gift-wrapping): no discount in the shop;
    /// the code is a voucher the owner honours and marks used.
    /// </summary>
    Service,
}

/// <summary>One entry of the rewards catalog.</summary>
/// <param name="Tiers">The tiers whose members may redeem it; empty or null: every member.</param>
/// <param name="GlobalLimit">How many may be redeemed across all members, first come first served (reversals give theirs back); null: no limit.</param>
/// <param name="RefundOnExpiry">Whether the points of its code that expired unused come back; null: <see cref="DiscountRules.RefundExpired"/>.</param>
public sealed record Reward(
    string Id,
    string Name,
    RewardKind Kind,
    long PointsCost,
    decimal? Value = null,
    string? Sku = null,
    int? PerMemberLimit = null,
    string? ProductId = null,
    int? ValidityDays = null,
    IReadOnlyList<string>? Tiers = null,
    int? GlobalLimit = null,
    bool? RefundOnExpiry = null)
{
    /// <summary>Whether the shop is asked for a discount: not for a gift it hands over or a service it renders.</summary>
    public bool IsShopDiscount => Kind is not (RewardKind.Gift or RewardKind.Service);

    /// <summary>Whether a member of <paramref name="tierId"/> may redeem it (a null tier is the lowest tier, as <see cref="TierMath.Find"/> reads it).</summary>
    public bool OpenTo(string? tierId, LoyaltyProgram program)
    {
        ArgumentNullException.ThrowIfNull(program);
        return Tiers is not { Count: > 0 } || (TierMath.Find(program, tierId)?.Id is { } tier && Tiers.Contains(tier));
    }
}

/// <summary>How points expire.</summary>
public enum ExpiryMode
{
    /// <summary>Each lot expires <see cref="LoyaltyProgram.PointsLifetimeDays"/> after the day it was earned.</summary>
    PerLot,

    /// <summary>Any earning pushes every open lot out to the new lot's expiry day ("activity extends all points").</summary>
    ActivityExtends,
}

/// <summary>
/// A time-boxed earning promotion: a multiplier on the base points of the lines it covers, or a
/// fixed bonus per order, or both. Empty filters cover everything.
/// </summary>
/// <param name="StartsOn">First program-local day it runs (inclusive).</param>
/// <param name="EndsOn">Last program-local day it runs (inclusive).</param>
/// <param name="Multiplier">Earn multiplier on the covered lines' base points (2 = double points).</param>
/// <param name="Bonus">Points added once to an order with at least one covered line.</param>
/// <param name="Enabled">Off keeps a prepared promotion from running whatever its dates.</param>
public sealed record Promotion(
    string Id,
    string Name,
    DateOnly StartsOn,
    DateOnly EndsOn,
    decimal? Multiplier = null,
    long? Bonus = null,
    IReadOnlyList<string>? Categories = null,
    IReadOnlyList<string>? Skus = null,
    IReadOnlyList<string>? Tiers = null,
    bool Enabled = true)
{
    /// <summary>Whether it runs on <paramref name="day"/> for a member in <paramref name="tierId"/>.</summary>
    public bool RunsFor(DateOnly day, string? tierId) =>
        Enabled && day >= StartsOn && day <= EndsOn && (Tiers is not { Count: > 0 } || (tierId is not null && Tiers.Contains(tierId)));

    /// <summary>Whether it covers <paramref name="line"/> (by category or SKU; no filter covers all).</summary>
    public bool Covers(OrderLine line)
    {
        ArgumentNullException.ThrowIfNull(line);
        var byCategory = Categories is { Count: > 0 };
        var bySku = Skus is { Count: > 0 };
        return (!byCategory && !bySku)
            || (byCategory && line.Category is not null && Categories!.Contains(line.Category, StringComparer.OrdinalIgnoreCase))
            || (bySku && line.Sku is not null && Skus!.Contains(line.Sku, StringComparer.OrdinalIgnoreCase));
    }
}

/// <summary>The settings of one loyalty program. Validate with <see cref="Validate"/> at start.</summary>
public sealed record LoyaltyProgram
{
    /// <summary>ISO 4217 currency of the shop, e.g. USD.</summary>
    public required string Currency { get; init; }

    /// <summary>Points per whole currency unit of eligible merchandise.</summary>
    public decimal EarnRate { get; init; } = 1m;

    /// <summary>How the points of one order are rounded.</summary>
    public RoundingMode Rounding { get; init; } = RoundingMode.Down;

    /// <summary>Days a lot stays spendable after the day it was earned; 0 means points never expire.</summary>
    public int PointsLifetimeDays { get; init; } = 365;

    /// <summary>Points granted once when a member enrols.</summary>
    public long SignUpBonus { get; init; }

    /// <summary>The rewards catalog.</summary>
    public IReadOnlyList<Reward> Rewards { get; init; } = [];

    /// <summary>
    /// When a refund takes back points already spent: true lets the balance go negative;
    /// false keeps the balance at zero and records the shortfall as debt. Either way the
    /// shortfall is recovered from later earnings and never dropped.
    /// </summary>
    public bool AllowNegativeBalance { get; init; }

    /// <summary>IANA time zone that decides the program's days (expiry, birthdays).</summary>
    public string TimeZone { get; init; } = "UTC";

    /// <summary>Tiers from the lowest (threshold 0) up; empty for a program without tiers.</summary>
    public IReadOnlyList<Tier> Tiers { get; init; } = [];

    /// <summary>How tiers are qualified for and reviewed.</summary>
    public TierRules TierRules { get; init; } = new();

    /// <summary>Whether lots expire one by one or every earning extends them all.</summary>
    public ExpiryMode ExpiryMode { get; init; } = ExpiryMode.PerLot;

    /// <summary>Days purchase points stay pending (the return window) before they can be spent; 0 = at once.</summary>
    public int PendingDays { get; init; }

    /// <summary>Days before points expire that the member is reminded, e.g. 30 and 7.</summary>
    public IReadOnlyList<int> ReminderLeadDays { get; init; } = [30, 7];

    /// <summary>Points granted once a year on the member's birthday; 0 = none.</summary>
    public long BirthdayBonus { get; init; }

    /// <summary>The offer text sent with the birthday message (may be empty).</summary>
    public string BirthdayOffer { get; init; } = string.Empty;

    /// <summary>Points for the referrer after the referred friend's first paid order; 0 = no referral programme.</summary>
    public long ReferrerBonus { get; init; }

    /// <summary>Points for the referred friend on their first paid order.</summary>
    public long FriendBonus { get; init; }

    /// <summary>Earning promotions, applied in this order (see <see cref="Earning"/>).</summary>
    public IReadOnlyList<Promotion> Promotions { get; init; } = [];

    /// <summary>How messages to members go out: categories, quiet hours, cap, retries, channels.</summary>
    public MessagingRules Messaging { get; init; } = new();

    /// <summary>How redemptions become discounts in the shop: channels, retries, validity.</summary>
    public DiscountRules Discounts { get; init; } = new();
    /// <summary>
    /// Most points one event may credit before it is held for the owner to approve or reject
    /// (see <see cref="CreditLimits"/>); far above a real order, it stops a mistyped price or a
    /// leaked secret from minting points silently.
    /// </summary>
    public long MaxPointsPerEvent { get; init; } = 100_000;

    /// <summary>Most points one member may be credited in one program-local day before further credits are held.</summary>
    public long MaxPointsPerMemberPerDay { get; init; } = 250_000;

    /// <summary>What one point is worth in the program's currency (the reports' liability in money).</summary>
    public decimal PointValue { get; init; } = 0.01m;

    /// <summary>Behaviour thresholds and the lifetime-value horizon of the segments (<see cref="Segmentation"/>).</summary>
    public SegmentRules Segments { get; init; } = new();

    /// <summary>The program that the demo and the local run use.</summary>
    public static LoyaltyProgram Demo { get; } = new()
    {
        Currency = "USD",
        EarnRate = 1m,
        Rounding = RoundingMode.Down,
        PointsLifetimeDays = 365,
        SignUpBonus = 50,
        AllowNegativeBalance = false,
        TimeZone = "America/New_York",
        Rewards =
        [
            new Reward("free-shipping", "Free shipping", RewardKind.FreeShipping, 75),
            new Reward("usd-5-off", "$5 off your next order", RewardKind.FixedDiscount, 100, Value: 5m),
            new Reward("pct-10-off", "10% off your next order", RewardKind.PercentDiscount, 250, Value: 10m),
            new Reward("tote-bag", "Canvas tote bag", RewardKind.Gift, 400, PerMemberLimit: 1),
            new Reward("free-mug", "Free ceramic mug", RewardKind.FreeProduct, 600, Sku: "MUG-CERAMIC", PerMemberLimit: 2),
        ],
        Tiers =
        [
            new Tier("member", "Member", 0m, 1m, [new BenefitGrant("birthday-gift", "Birthday gift", 1, BenefitPeriod.Year)]),
            new Tier("silver", "Silver", 500m, 1.25m,
            [
                new BenefitGrant("free-delivery", "Free delivery", 1, BenefitPeriod.Month),
                new BenefitGrant("birthday-gift", "Birthday gift", 1, BenefitPeriod.Year),
            ]),
            new Tier("gold", "Gold", 1500m, 1.5m,
            [
                new BenefitGrant("free-delivery", "Free delivery", 2, BenefitPeriod.Month),
                new BenefitGrant("birthday-gift", "Birthday gift", 1, BenefitPeriod.Year),
                new BenefitGrant("priority-support", "Priority support", null),
            ]),
            new Tier("diamond", "Diamond", 5000m, 2m,
            [
                new BenefitGrant("free-delivery", "Free delivery", 4, BenefitPeriod.Month),
                new BenefitGrant("birthday-gift", "Birthday gift", 1, BenefitPeriod.Year),
                new BenefitGrant("priority-support", "Priority support", null),
                new BenefitGrant("early-access", "Early access to new collections", null),
            ]),
        ],
        TierRules = new TierRules { Measure = TierMeasure.Spend, WindowMonths = 12, Review = TierReviewMode.Anniversary, Downgrade = DowngradeMode.OneLevel, GraceDays = 30 },
        BirthdayBonus = 100,
        BirthdayOffer = "Happy birthday! 100 points are on us, and free delivery on any order this week.",
        ReferrerBonus = 200,
        FriendBonus = 100,
        Promotions =
        [
            new Promotion("double-points-weekend", "Double points weekend", new DateOnly(2026, 11, 27), new DateOnly(2026, 11, 30), Multiplier: 2m, Enabled: false),
        ],
    };

    /// <summary>Every problem with these settings, each naming the field at fault; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (Currency is null || Currency.Length != 3 || !Currency.All(char.IsAsciiLetterUpper))
        {
            errors.Add("Currency: must be a three-letter upper-case ISO 4217 code such as USD.");
        }

        if (EarnRate <= 0 || EarnRate > 1000)
        {
            errors.Add("EarnRate: must be greater than 0 and at most 1000 points per currency unit.");
        }

        if (!Enum.IsDefined(Rounding))
        {
            errors.Add("Rounding: must be Down, Nearest or Up.");
        }

        if (PointsLifetimeDays is < 0 or > 3650)
        {
            errors.Add("PointsLifetimeDays: must be between 0 (never expire) and 3650.");
        }

        if (SignUpBonus is < 0 or > 1_000_000)
        {
            errors.Add("SignUpBonus: must be between 0 and 1000000.");
        }

        if (MaxPointsPerEvent < 1 || MaxPointsPerEvent > Decider.PointsCeiling)
        {
            errors.Add($"MaxPointsPerEvent: must be between 1 and {Decider.PointsCeiling}.");
        }

        if (MaxPointsPerMemberPerDay < MaxPointsPerEvent || MaxPointsPerMemberPerDay > Decider.PointsCeiling)
        {
            errors.Add($"MaxPointsPerMemberPerDay: must be at least MaxPointsPerEvent and at most {Decider.PointsCeiling}.");
        }

        if (PointValue is < 0 or > 1_000)
        {
            errors.Add("PointValue: must be between 0 and 1000 (currency units per point).");
        }

        if (Segments is not { AtRiskDays: >= 1 } s || s.LapsedDays <= s.AtRiskDays || s.LapsedDays > 3660 || s.LifetimeYears is <= 0 or > 50)
        {
            errors.Add("Segments: AtRiskDays at least 1, LapsedDays above it and at most 3660, LifetimeYears above 0 and at most 50.");
        }

        if (!TimeZoneInfo.TryFindSystemTimeZoneById(TimeZone ?? string.Empty, out _))
        {
            errors.Add("TimeZone: must be an IANA time zone such as America/New_York.");
        }

        ValidateTiers(errors);
        ValidateBonuses(errors);
        ValidatePromotions(errors);

        var rewards = Rewards ?? [];
        for (var i = 0; i < rewards.Count; i++)
        {
            var r = rewards[i];
            var at = $"Rewards[{i}]";
            if (string.IsNullOrWhiteSpace(r.Id) || r.Id.Length > 64 || !r.Id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            {
                errors.Add($"{at}.Id: must be 1 to 64 letters, digits, '-' or '_'.");
            }
            else if (rewards.Take(i).Any(o => o.Id == r.Id))
            {
                errors.Add($"{at}.Id: '{r.Id}' appears more than once.");
            }

            if (string.IsNullOrWhiteSpace(r.Name))
            {
                errors.Add($"{at}.Name: must not be empty.");
            }

            if (!Enum.IsDefined(r.Kind))
            {
                errors.Add($"{at}.Kind: must be one of {string.Join(", ", Enum.GetNames<RewardKind>())}.");
            }

            if (r.PointsCost <= 0)
            {
                errors.Add($"{at}.PointsCost: must be greater than 0.");
            }

            if (r.PerMemberLimit is <= 0)
            {
                errors.Add($"{at}.PerMemberLimit: must be greater than 0 when set.");
            }

            if (r.Kind is RewardKind.FixedDiscount or RewardKind.PercentDiscount && r.Value is not > 0)
            {
                errors.Add($"{at}.Value: a discount needs a value greater than 0.");
            }

            if (r.Kind == RewardKind.PercentDiscount && r.Value > 100)
            {
                errors.Add($"{at}.Value: a percent discount is at most 100.");
            }

            if (r.ValidityDays is < 1 or > 3650)
            {
                errors.Add($"{at}.ValidityDays: 1 to 3650 when set.");
            }

            if (r.Tiers is { Count: > 0 } && r.Tiers.Any(t => !(Tiers ?? []).Any(x => x.Id == t)))
            {
                errors.Add($"{at}.Tiers: names a tier the program does not have.");
            }

            if (r.GlobalLimit is < 1 or > 1_000_000)
            {
                errors.Add($"{at}.GlobalLimit: 1 to 1000000 when set.");
            }
        }

        return errors;
    }

    private static bool IsId(string? id) =>
        !string.IsNullOrWhiteSpace(id) && id.Length <= 64 && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    private void ValidateTiers(List<string> errors)
    {
        var tiers = Tiers ?? [];
        if (tiers.Count > 0 && tiers[0].Threshold != 0)
        {
            errors.Add("Tiers[0].Threshold: the lowest tier starts at 0, so every member has a tier.");
        }

        for (var i = 0; i < tiers.Count; i++)
        {
            var t = tiers[i];
            var at = $"Tiers[{i}]";
            if (!IsId(t.Id))
            {
                errors.Add($"{at}.Id: must be 1 to 64 letters, digits, '-' or '_'.");
            }
            else if (tiers.Take(i).Any(o => o.Id == t.Id))
            {
                errors.Add($"{at}.Id: '{t.Id}' appears more than once.");
            }

            if (string.IsNullOrWhiteSpace(t.Name))
            {
                errors.Add($"{at}.Name: must not be empty.");
            }

            if (i > 0 && t.Threshold <= tiers[i - 1].Threshold)
            {
                errors.Add($"{at}.Threshold: must be above the threshold of the tier before it.");
            }

            if (t.Multiplier is < 1 or > 100)
            {
                errors.Add($"{at}.Multiplier: must be between 1 and 100.");
            }

            var benefits = t.Benefits ?? [];
            for (var j = 0; j < benefits.Count; j++)
            {
                var b = benefits[j];
                if (!IsId(b.Id) || benefits.Take(j).Any(o => o.Id == b.Id))
                {
                    errors.Add($"{at}.Benefits[{j}].Id: must be 1 to 64 letters, digits, '-' or '_', once per tier.");
                }

                if (string.IsNullOrWhiteSpace(b.Name))
                {
                    errors.Add($"{at}.Benefits[{j}].Name: must not be empty.");
                }

                if (b.Quota is < 1 || !Enum.IsDefined(b.Period))
                {
                    errors.Add($"{at}.Benefits[{j}].Quota: at least 1 per Month or Year, or left out for unlimited.");
                }
            }
        }

        var rules = TierRules ?? new TierRules();
        if (rules.WindowMonths is < 1 or > 36)
        {
            errors.Add("TierRules.WindowMonths: must be between 1 and 36.");
        }

        if (!Enum.IsDefined(rules.Measure) || !Enum.IsDefined(rules.Review) || !Enum.IsDefined(rules.Downgrade))
        {
            errors.Add("TierRules: Measure is Spend, Points or Orders; Review is Anniversary or FixedDate; Downgrade is OneLevel or ToQualified.");
        }

        if (rules.ReviewMonth is < 1 or > 12 || rules.ReviewDay < 1 || rules.ReviewDay > DateTime.DaysInMonth(2024, Math.Clamp(rules.ReviewMonth, 1, 12)))
        {
            errors.Add("TierRules.ReviewMonth/ReviewDay: must be a day of the year.");
        }

        if (rules.GraceDays is < 0 or > 365)
        {
            errors.Add("TierRules.GraceDays: must be between 0 and 365.");
        }
    }

    private void ValidateBonuses(List<string> errors)
    {
        if (!Enum.IsDefined(ExpiryMode))
        {
            errors.Add("ExpiryMode: must be PerLot or ActivityExtends.");
        }

        if (PendingDays is < 0 or > 365)
        {
            errors.Add("PendingDays: must be between 0 and 365.");
        }

        if ((ReminderLeadDays ?? []).Any(d => d is < 1 or > 365) || (ReminderLeadDays ?? []).Distinct().Count() != (ReminderLeadDays ?? []).Count)
        {
            errors.Add("ReminderLeadDays: each between 1 and 365, no repeats.");
        }

        foreach (var (name, value) in new[] { ("BirthdayBonus", BirthdayBonus), ("ReferrerBonus", ReferrerBonus), ("FriendBonus", FriendBonus) })
        {
            if (value is < 0 or > 1_000_000)
            {
                errors.Add($"{name}: must be between 0 and 1000000.");
            }
        }
    }

    private void ValidatePromotions(List<string> errors)
    {
        var promotions = Promotions ?? [];
        for (var i = 0; i < promotions.Count; i++)
        {
            var p = promotions[i];
            var at = $"Promotions[{i}]";
            if (!IsId(p.Id) || promotions.Take(i).Any(o => o.Id == p.Id))
            {
                errors.Add($"{at}.Id: must be 1 to 64 letters, digits, '-' or '_', and unique.");
            }

            if (p.EndsOn < p.StartsOn)
            {
                errors.Add($"{at}.EndsOn: must not be before StartsOn.");
            }

            if (p.Multiplier is null && p.Bonus is null)
            {
                errors.Add($"{at}: needs a Multiplier, a Bonus or both.");
            }

            if (p.Multiplier is < 1 or > 100)
            {
                errors.Add($"{at}.Multiplier: must be between 1 and 100.");
            }

            if (p.Bonus is < 1 or > 1_000_000)
            {
                errors.Add($"{at}.Bonus: must be between 1 and 1000000.");
            }

            if (p.Tiers is { Count: > 0 } && p.Tiers.Any(t => !(Tiers ?? []).Any(x => x.Id == t)))
            {
                errors.Add($"{at}.Tiers: names a tier the program does not have.");
            }
        }
    }

    /// <summary>Finds a reward by id, or null.</summary>
    public Reward? FindReward(string rewardId) => Rewards.FirstOrDefault(r => r.Id == rewardId);

    /// <summary>The program's time zone.</summary>
    public TimeZoneInfo Zone => TimeZoneInfo.FindSystemTimeZoneById(TimeZone);

    /// <summary>The program-local calendar day of an instant.</summary>
    public DateOnly LocalDate(DateTimeOffset instant) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, Zone).DateTime);
}

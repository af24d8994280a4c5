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
}

/// <summary>One entry of the rewards catalog.</summary>
public sealed record Reward(
    string Id,
    string Name,
    RewardKind Kind,
    long PointsCost,
    decimal? Value = null,
    string? Sku = null,
    int? PerMemberLimit = null);

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

        if (!TimeZoneInfo.TryFindSystemTimeZoneById(TimeZone ?? string.Empty, out _))
        {
            errors.Add("TimeZone: must be an IANA time zone such as America/New_York.");
        }

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
        }

        return errors;
    }

    /// <summary>Finds a reward by id, or null.</summary>
    public Reward? FindReward(string rewardId) => Rewards.FirstOrDefault(r => r.Id == rewardId);

    /// <summary>The program's time zone.</summary>
    public TimeZoneInfo Zone => TimeZoneInfo.FindSystemTimeZoneById(TimeZone);

    /// <summary>The program-local calendar day of an instant.</summary>
    public DateOnly LocalDate(DateTimeOffset instant) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, Zone).DateTime);
}

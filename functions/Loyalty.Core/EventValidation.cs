namespace Loyalty.Core;

/// <summary>
/// Checks an event from outside before it is queued: ids are valid keys, amounts and counts
/// are in range, texts are of sane length, the time is plausible. Each problem names the
/// field as it appears in the envelope (<c>payload.lines[2].quantity</c>); the value is never echoed.
/// </summary>
public static class EventValidation
{
    /// <summary>Amounts (prices, discounts, totals, refunds) must be below this.</summary>
    public const decimal MaxAmount = 1_000_000_000m;

    /// <summary>Most lines an order or refund may carry.</summary>
    public const int MaxLines = 500;

    /// <summary>Longest free text (reason, actor, names, SKU, category).</summary>
    public const int MaxTextLength = 500;

    /// <summary>Longest discount code an order may name.</summary>
    public const int MaxCodeLength = 100;

    /// <summary>Longest feedback text or service record summary.</summary>
    public const int MaxFeedbackLength = 2000;

    /// <summary>Longest phone number as the shop sent it.</summary>
    public const int MaxPhoneLength = 32;

    /// <summary>Longest e-mail address.</summary>
    public const int MaxEmailLength = 320;

    /// <summary>Largest points adjustment, either way.</summary>
    public const long MaxPoints = 1_000_000_000;

    /// <summary>How far after "now" an event may claim to have happened (clock skew between shop and service).</summary>
    public static readonly TimeSpan MaxClockSkew = TimeSpan.FromDays(1);

    /// <summary>The earliest time an event may claim.</summary>
    public static readonly DateTimeOffset Earliest = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>The latest time an event may claim when no "now" is given.</summary>
    public static readonly DateTimeOffset Latest = new(2100, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Every problem with <paramref name="evt"/>; empty when it is valid.</summary>
    public static IReadOnlyList<(string Field, string Message)> Validate(LoyaltyEvent evt) => Check(evt, null);

    /// <summary>As <see cref="Validate(LoyaltyEvent)"/>, and the event may not be more than <see cref="MaxClockSkew"/> after <paramref name="now"/>.</summary>
    public static IReadOnlyList<(string Field, string Message)> Validate(LoyaltyEvent evt, DateTimeOffset now) => Check(evt, now);

    private static List<(string Field, string Message)> Check(LoyaltyEvent evt, DateTimeOffset? now)
    {
        ArgumentNullException.ThrowIfNull(evt);
        var errors = new List<(string Field, string Message)>();
        Id(errors, "eventId", evt.EventId);
        MemberId(errors, "memberId", evt.MemberId);
        var latest = now is { } n && n + MaxClockSkew < Latest ? n + MaxClockSkew : Latest;
        if (evt.OccurredAt < Earliest || evt.OccurredAt > latest)
        {
            errors.Add(("occurredAt", now is null
                ? "must be between 2000-01-01 and 2100-01-01."
                : "must be after 2000-01-01 and not in the future."));
        }

        switch (evt)
        {
            case MemberEnrolled e:
                Profile(errors, "payload.profile", e.Profile);
                break;
            case PurchaseCompleted e:
                OrderId(errors, "payload.orderId", e.OrderId);
                if (e.Currency is not { Length: 3 } || !e.Currency.All(char.IsAsciiLetterUpper))
                {
                    errors.Add(("payload.currency", "must be a three-letter upper-case ISO 4217 code."));
                }

                if (e.Lines is null || e.Lines.Count == 0)
                {
                    errors.Add(("payload.lines", "a purchase needs at least one line."));
                }
                else if (Count(errors, "payload.lines", e.Lines.Count))
                {
                    for (var i = 0; i < e.Lines.Count; i++)
                    {
                        Line(errors, $"payload.lines[{i}]", e.Lines[i]);
                    }

                    // Each line may be within the limits and their product not: a million of
                    // something at 999,999 is no order a small shop takes.
                    if (errors.Count == 0 && e.Lines.Sum(l => l.Merchandise) >= MaxAmount)
                    {
                        errors.Add(("payload.lines", $"the order's merchandise (quantity times price, less discounts) must be less than {MaxAmount:0}."));
                    }
                }

                Money(errors, "payload.orderTotal", e.OrderTotal);
                if (e.Profile is not null)
                {
                    Profile(errors, "payload.profile", e.Profile);
                }

                if (e.DiscountCodes is { } codes && Count(errors, "payload.discountCodes", codes.Count))
                {
                    for (var i = 0; i < codes.Count; i++)
                    {
                        Text(errors, $"payload.discountCodes[{i}]", codes[i], MaxCodeLength, required: true);
                    }
                }

                break;
            case OrderRefunded e:
                OrderId(errors, "payload.orderId", e.OrderId);
                Id(errors, "payload.refundId", e.RefundId);
                if (e.Lines is null)
                {
                    errors.Add(("payload.lines", "required (may be empty)."));
                }
                else if (Count(errors, "payload.lines", e.Lines.Count))
                {
                    for (var i = 0; i < e.Lines.Count; i++)
                    {
                        RefundLine(errors, $"payload.lines[{i}]", e.Lines[i]);
                    }
                }

                Money(errors, "payload.amount", e.Amount);
                break;
            case OrderCancelled e:
                OrderId(errors, "payload.orderId", e.OrderId);
                break;
            case RedemptionRequested e:
                RequestId(errors, "payload.requestId", e.RequestId);
                Id(errors, "payload.rewardId", e.RewardId);
                Text(errors, "payload.code", e.Code, Keys.MaxLength, required: true);
                break;
            case RedemptionReversed e:
                RequestId(errors, "payload.requestId", e.RequestId);
                Text(errors, "payload.reason", e.Reason, MaxTextLength, required: true);
                break;
            case PointsAdjusted e:
                if (e.Points is < -MaxPoints or > MaxPoints)
                {
                    errors.Add(("payload.points", $"must be between -{MaxPoints} and {MaxPoints}."));
                }

                Text(errors, "payload.reason", e.Reason, MaxTextLength, required: true);
                Text(errors, "payload.actor", e.Actor, MaxTextLength, required: true);
                break;
            case BenefitUsed e:
                RequestId(errors, "payload.requestId", e.RequestId);
                Id(errors, "payload.benefitId", e.BenefitId);
                Text(errors, "payload.note", e.Note, MaxTextLength, required: false);
                break;
            case ExpiryReminderDue e when e.LeadDays is < 1 or > 365:
                errors.Add(("payload.leadDays", "must be between 1 and 365."));
                break;
            case ReferralRecorded e:
                MemberId(errors, "payload.referrerId", e.ReferrerId);
                break;
            case ReferralRewarded e:
                MemberId(errors, "payload.friendId", e.FriendId);
                Id(errors, "payload.friendEventId", e.FriendEventId);
                break;
            case FeedbackSubmitted e:
                Score(errors, "payload.satisfaction", e.Satisfaction, ServiceRecordKinds.Satisfaction);
                Score(errors, "payload.nps", e.Nps, ServiceRecordKinds.Nps);
                Text(errors, "payload.text", e.Text, MaxFeedbackLength, required: false);
                if (e.OrderId is not null)
                {
                    OrderId(errors, "payload.orderId", e.OrderId);
                }

                if (e.Satisfaction is null && e.Nps is null && string.IsNullOrWhiteSpace(e.Text))
                {
                    errors.Add(("payload", "satisfaction, nps or text: at least one is required."));
                }

                break;
            case ServiceRecorded e:
                OneOf(errors, "payload.kind", e.Kind, ServiceRecordKinds.Kinds);
                OneOf(errors, "payload.status", e.Status, ServiceRecordKinds.Statuses);
                Text(errors, "payload.summary", e.Summary, MaxFeedbackLength, required: true);
                break;
        }

        return errors;
    }

    private static void Line(List<(string, string)> errors, string at, OrderLine? line)
    {
        if (line is null)
        {
            errors.Add((at, "expected a line."));
            return;
        }

        Id(errors, $"{at}.lineId", line.LineId);
        Text(errors, $"{at}.sku", line.Sku, MaxTextLength, required: false);
        Text(errors, $"{at}.category", line.Category, MaxTextLength, required: false);
        if (line.Quantity <= 0)
        {
            errors.Add(($"{at}.quantity", "must be greater than 0."));
        }

        Money(errors, $"{at}.unitPrice", line.UnitPrice);
        Money(errors, $"{at}.discount", line.Discount);
    }

    private static void RefundLine(List<(string, string)> errors, string at, RefundLine? line)
    {
        if (line is null)
        {
            errors.Add((at, "expected a line."));
            return;
        }

        Id(errors, $"{at}.lineId", line.LineId);
        if (line.Quantity < 0)
        {
            errors.Add(($"{at}.quantity", "must not be negative."));
        }

        Money(errors, $"{at}.amount", line.Amount);
    }

    private static void Profile(List<(string, string)> errors, string at, MemberProfile? profile)
    {
        if (profile is null)
        {
            errors.Add((at, "required."));
            return;
        }

        Text(errors, $"{at}.email", profile.Email, MaxEmailLength, required: false);
        Text(errors, $"{at}.firstName", profile.FirstName, MaxTextLength, required: false);
        Text(errors, $"{at}.lastName", profile.LastName, MaxTextLength, required: false);
        Text(errors, $"{at}.phone", profile.Phone, MaxPhoneLength, required: false);
        if (profile.Birthday is { } birthday && (birthday.Year < 1900 || birthday.Year > 2100))
        {
            errors.Add(($"{at}.birthday", "must be between 1900 and 2100."));
        }
    }

    private static void Score(List<(string, string)> errors, string at, int? score, (int Min, int Max) range)
    {
        if (score is { } s && (s < range.Min || s > range.Max))
        {
            errors.Add((at, $"a whole number from {range.Min} to {range.Max}."));
        }
    }

    private static void OneOf(List<(string, string)> errors, string at, string? value, IReadOnlyList<string> allowed)
    {
        if (value is null || !allowed.Contains(value, StringComparer.Ordinal))
        {
            errors.Add((at, $"one of {string.Join(", ", allowed)}."));
        }
    }

    private static bool Count(List<(string, string)> errors, string at, int count)
    {
        if (count > MaxLines)
        {
            errors.Add((at, $"at most {MaxLines} lines."));
            return false;
        }

        return true;
    }

    private static void Id(List<(string, string)> errors, string at, string? id)
    {
        if (!Keys.IsValid(id))
        {
            errors.Add((at, $"must be {Keys.Rule()}."));
        }
    }

    private static void MemberId(List<(string, string)> errors, string at, string? id)
    {
        if (!Keys.IsValidMemberId(id))
        {
            errors.Add((at, $"must be {Keys.MemberIdRule}."));
        }
    }

    private static void OrderId(List<(string, string)> errors, string at, string? id)
    {
        if (!Keys.IsValidOrderId(id))
        {
            errors.Add((at, $"must be {Keys.OrderIdRule}."));
        }
    }

    private static void RequestId(List<(string, string)> errors, string at, string? id)
    {
        if (!Keys.IsValidRequestId(id))
        {
            errors.Add((at, $"must be {Keys.Rule(Keys.MaxRequestIdLength)}."));
        }
    }

    private static void Money(List<(string, string)> errors, string at, decimal amount)
    {
        if (amount < 0m || amount >= MaxAmount)
        {
            errors.Add((at, $"must be at least 0 and less than {MaxAmount:0}."));
        }
    }

    private static void Text(List<(string, string)> errors, string at, string? text, int maxLength, bool required)
    {
        if (text is null)
        {
            if (required)
            {
                errors.Add((at, "required."));
            }
        }
        else if (text.Length > maxLength || (required && string.IsNullOrWhiteSpace(text)))
        {
            errors.Add((at, $"must be {(required ? "1" : "0")} to {maxLength} characters."));
        }
        else if (text.Any(char.IsControl))
        {
            errors.Add((at, "must not contain control characters."));
        }
    }
}

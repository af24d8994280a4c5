using Loyalty.Core;

namespace Loyalty.App.Messaging;

/// <summary>
/// The default templates, per kind and language (<c>en</c>, <c>zh-Hans</c>): subject, HTML and
/// plain text with <c>{{placeholders}}</c> that <see cref="MessageRenderer"/> fills with the
/// member's figures (HTML-encoded in the HTML part). Settings can replace any of them.
/// </summary>
public static class Templates
{
    /// <summary>The languages with default templates.</summary>
    public static IReadOnlyList<string> Languages { get; } = ["en", "zh-Hans"];

    private static readonly Dictionary<(string Kind, string Language), (string Subject, string Body)> Defaults = new()
    {
        [(MessageKinds.Welcome, "en")] = ("Welcome to {{shopName}} rewards", "Hi {{firstName}}, welcome to {{shopName}} rewards! You start with {{points}} points."),
        [(MessageKinds.Welcome, "zh-Hans")] = ("欢迎加入{{shopName}}会员计划", "{{firstName}}，您好！欢迎加入{{shopName}}会员计划，您已获得{{points}}积分。"),
        [(MessageKinds.ExpiryReminder, "en")] = ("{{points}} points expire on {{date}}", "Hi {{firstName}}, {{points}} of your points expire at the end of {{date}}. You have {{balance}} points to spend."),
        [(MessageKinds.ExpiryReminder, "zh-Hans")] = ("您的{{points}}积分将于{{date}}到期", "{{firstName}}，您好！您有{{points}}积分将于{{date}}结束时到期。您目前可用积分为{{balance}}。"),
        [(MessageKinds.BirthdayOffer, "en")] = ("Happy birthday from {{shopName}}", "Happy birthday, {{firstName}}! We added {{points}} points to your account. {{offer}}"),
        [(MessageKinds.BirthdayOffer, "zh-Hans")] = ("{{shopName}}祝您生日快乐", "{{firstName}}，生日快乐！我们为您送上{{points}}积分。{{offer}}"),
        [(MessageKinds.TierUp, "en")] = ("Welcome to {{tier}}", "Congratulations, {{firstName}}: you are now {{tier}}. {{tierPerks}}"),
        [(MessageKinds.TierUp, "zh-Hans")] = ("恭喜升级为{{tier}}", "{{firstName}}，恭喜您升级为{{tier}}。{{tierPerks}}"),
        [(MessageKinds.TierDown, "en")] = ("Your tier is now {{tier}}", "Hi {{firstName}}, your tier is now {{tier}}. {{tierPerks}}"),
        [(MessageKinds.TierDown, "zh-Hans")] = ("您的会员等级已调整为{{tier}}", "{{firstName}}，您好！您的会员等级已调整为{{tier}}。{{tierPerks}}"),
        [(MessageKinds.RedemptionReceipt, "en")] = ("Your reward: {{reward}}", "Hi {{firstName}}, you spent {{points}} points on {{reward}}. Your code is {{code}}. You have {{balance}} points left."),
        [(MessageKinds.RedemptionReceipt, "zh-Hans")] = ("您的奖励：{{reward}}", "{{firstName}}，您好！您使用{{points}}积分兑换了{{reward}}，兑换码为{{code}}。剩余积分{{balance}}。"),
        [(MessageKinds.PointsEarned, "en")] = ("You earned {{points}} points", "Hi {{firstName}}, your {{offer}} earned {{points}} points. You now have {{balance}} points."),
        [(MessageKinds.PointsEarned, "zh-Hans")] = ("您获得了{{points}}积分", "{{firstName}}，您好！您的订单获得了{{points}}积分，目前可用积分为{{balance}}。"),
    };

    /// <summary>The template for a kind and language: the configured one where set, else the default.</summary>
    public static TemplateText For(string kind, string language, MessagingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var fallbackKind = kind == MessageKinds.TierChanged ? MessageKinds.TierUp : kind;
        var (subject, body) = Defaults.TryGetValue((fallbackKind, language), out var d) ? d : Defaults[(fallbackKind, "en")];
        var configured = options.Templates.GetValueOrDefault(kind)?.GetValueOrDefault(language);
        return new TemplateText
        {
            Subject = configured?.Subject ?? subject,
            Html = configured?.Html ?? $"<p>{body}</p>",
            Text = configured?.Text ?? body,
        };
    }
}

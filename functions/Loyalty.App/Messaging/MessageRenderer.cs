using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Loyalty.App.MemberPage;
using Loyalty.Core;
using Microsoft.Extensions.Options;

namespace Loyalty.App.Messaging;

/// <summary>A message ready to send: its language, subject, both bodies and the links in them.</summary>
public sealed record RenderedMessage(string Language, string Subject, string Html, string Text, string? UnsubscribeUrl, string? MemberPageUrl);

/// <summary>
/// Fills a kind's template in the member's language with the message's figures and adds the
/// footer: the shop's name and postal address, the member's page (a link signed by
/// <see cref="MemberPageLinks"/>, which the page itself checks), and for marketing the signed
/// unsubscribe link. Pure apart from the settings and the clock it is given.
/// </summary>
public sealed class MessageRenderer(IOptions<MessagingOptions> options, LoyaltyProgram program, MemberPageLinks pageLinks)
{
    /// <summary>The language for a member: <c>zh…</c> locales read Simplified Chinese, <c>en…</c> English, others the default.</summary>
    public string LanguageOf(MemberState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var locale = state.Profile.Locale ?? string.Empty;
        return locale.StartsWith("zh", StringComparison.OrdinalIgnoreCase) ? "zh-Hans"
            : locale.StartsWith("en", StringComparison.OrdinalIgnoreCase) ? "en"
            : options.Value.DefaultLanguage;
    }

    /// <summary>Renders <paramref name="message"/> for <paramref name="state"/> as of <paramref name="now"/>.</summary>
    public RenderedMessage Render(MemberState state, OutboxMessage message, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(message);
        var o = options.Value;
        var language = LanguageOf(state);
        var zh = language == "zh-Hans";
        var template = Templates.For(message.Kind, language, o);
        var tier = program.Tiers.FirstOrDefault(t => t.Id == message.TierId);
        var perks = tier is null ? string.Empty
            : zh ? $"积分倍数×{tier.Multiplier.ToString("0.##", CultureInfo.InvariantCulture)}" + (tier.Benefits.Count > 0 ? "；权益：" + string.Join("、", tier.Benefits.Select(b => b.Name)) : string.Empty) + "。"
            : $"You earn {tier.Multiplier.ToString("0.##", CultureInfo.InvariantCulture)}× points" + (tier.Benefits.Count > 0 ? " and get " + string.Join(", ", tier.Benefits.Select(b => b.Name)) : string.Empty) + ".";
        var values = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["firstName"] = state.Profile.FirstName ?? (zh ? "会员" : "there"),
            ["points"] = (message.Points ?? 0).ToString("N0", CultureInfo.InvariantCulture),
            ["balance"] = message.Balance.ToString("N0", CultureInfo.InvariantCulture),
            ["date"] = message.Date is { } d ? FormatDate(d, zh) : string.Empty,
            ["tier"] = tier?.Name ?? message.TierId ?? string.Empty,
            ["tierPerks"] = perks,
            ["offer"] = message.Text ?? string.Empty,
            ["reward"] = message.Text ?? string.Empty,
            ["code"] = message.Code ?? string.Empty,
            ["shopName"] = ShopName,
        };

        var marketing = message.Category == MessageCategories.Marketing;
        var unsubscribe = marketing ? UnsubscribeUrl(state.MemberId) : null;
        var page = MemberPageUrl(state.MemberId, now);
        var subject = Fill(template.Subject ?? string.Empty, values, html: false);
        var text = new StringBuilder(Fill(template.Text ?? string.Empty, values, html: false)).AppendLine().AppendLine();
        var html = new StringBuilder(Fill(template.Html ?? string.Empty, values, html: true));
        if (page is not null)
        {
            text.AppendLine((zh ? "我的积分：" : "Your points: ") + page);
            html.Append(CultureInfo.InvariantCulture, $"<p><a href=\"{WebUtility.HtmlEncode(page)}\">{(zh ? "查看我的积分" : "See your points")}</a></p>");
        }

        text.AppendLine(ShopName);
        html.Append("<hr><p>").Append(WebUtility.HtmlEncode(ShopName));
        if (!string.IsNullOrWhiteSpace(o.ShopAddress))
        {
            text.AppendLine(o.ShopAddress);
            html.Append("<br>").Append(WebUtility.HtmlEncode(o.ShopAddress));
        }

        html.Append("</p>");
        if (unsubscribe is not null)
        {
            text.AppendLine((zh ? "退订营销邮件：" : "Unsubscribe: ") + unsubscribe);
            html.Append(CultureInfo.InvariantCulture, $"<p><a href=\"{WebUtility.HtmlEncode(unsubscribe)}\">{(zh ? "退订营销邮件" : "Unsubscribe")}</a></p>");
        }

        return new RenderedMessage(language, subject, html.ToString(), text.ToString(), unsubscribe, page);
    }

    private string ShopName => string.IsNullOrWhiteSpace(options.Value.ShopName) ? "Our shop" : options.Value.ShopName;

    /// <summary>The signed unsubscribe link of a member; null without a public address or link key.</summary>
    public string? UnsubscribeUrl(string memberId)
    {
        var o = options.Value;
        return string.IsNullOrWhiteSpace(o.PublicBaseUrl) || string.IsNullOrEmpty(o.LinkSecret)
            ? null
            : $"{o.PublicBaseUrl.TrimEnd('/')}/api/messages/unsubscribe?m={Uri.EscapeDataString(memberId)}&t={UnsubscribeToken(memberId)}";
    }

    /// <summary>The token of a member's unsubscribe link: HMAC-SHA256 of the member id with the link key, 32 hex digits.</summary>
    public string UnsubscribeToken(string memberId) => Sign("unsubscribe|" + memberId);

    /// <summary>Whether <paramref name="token"/> is the member's unsubscribe token (constant time).</summary>
    public bool IsUnsubscribeToken(string memberId, string? token) =>
        !string.IsNullOrEmpty(options.Value.LinkSecret) && token is { Length: 32 }
        && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(UnsubscribeToken(memberId)), Encoding.ASCII.GetBytes(token));

    // The member's page on this service, signed with the page's own key for Loyalty:MemberPage:LinkDays
    // from the rendering (the send); null without a public address or a page key.
    private string? MemberPageUrl(string memberId, DateTimeOffset now) =>
        string.IsNullOrWhiteSpace(options.Value.PublicBaseUrl) ? null : pageLinks.Url(options.Value.PublicBaseUrl, memberId, now);

    private string Sign(string text) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(options.Value.LinkSecret ?? string.Empty), Encoding.UTF8.GetBytes(text)))[..32];

    private static string FormatDate(DateOnly d, bool zh) =>
        zh ? string.Create(CultureInfo.InvariantCulture, $"{d.Year}年{d.Month}月{d.Day}日") : d.ToString("MMMM d, yyyy", CultureInfo.InvariantCulture);

    private static string Fill(string template, Dictionary<string, string> values, bool html)
    {
        var result = new StringBuilder(template.Length + 64);
        var i = 0;
        while (i < template.Length)
        {
            var open = template.IndexOf("{{", i, StringComparison.Ordinal);
            var close = open < 0 ? -1 : template.IndexOf("}}", open + 2, StringComparison.Ordinal);
            if (close < 0)
            {
                result.Append(template, i, template.Length - i);
                break;
            }

            result.Append(template, i, open - i);
            var value = values.GetValueOrDefault(template[(open + 2)..close].Trim(), string.Empty);
            result.Append(html ? WebUtility.HtmlEncode(value) : value);
            i = close + 2;
        }

        return result.ToString();
    }
}

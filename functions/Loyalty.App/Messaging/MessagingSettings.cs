using Loyalty.App.Configuration;
using Loyalty.Core;
using MailKit.Security;
using Microsoft.Extensions.Configuration;

namespace Loyalty.App.Messaging;

/// <summary>How the dispatcher reaches the mail server (<c>Loyalty:Smtp</c>); e-mail is on when <see cref="Host"/> is set.</summary>
public sealed class SmtpOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "Loyalty:Smtp";

    /// <summary>The SMTP server (Azure Communication Services' relay, Microsoft 365, SendGrid, a mailbox's server).</summary>
    public string? Host { get; set; }

    /// <summary>Its port.</summary>
    public int Port { get; set; } = 587;

    /// <summary><c>None</c>, <c>StartTls</c> (port 587) or <c>SslOnConnect</c> (port 465).</summary>
    public string Security { get; set; } = "StartTls";

    /// <summary>The account to sign in with; none: no authentication.</summary>
    public string? UserName { get; set; }

    /// <summary>Its password (a Key Vault reference in Azure).</summary>
    public string? Password { get; set; }

    /// <summary>The sender address.</summary>
    public string? From { get; set; }

    /// <summary>The sender name shown to members (the shop's name when left out).</summary>
    public string? FromName { get; set; }

    /// <summary>MailKit's form of <see cref="Security"/>.</summary>
    public SecureSocketOptions SocketOptions => Security switch
    {
        "None" => SecureSocketOptions.None,
        "SslOnConnect" => SecureSocketOptions.SslOnConnect,
        _ => SecureSocketOptions.StartTls,
    };
}

/// <summary>The outbound webhook (<c>Loyalty:MessageWebhook</c>); on when <see cref="Url"/> is set.</summary>
public sealed class MessageWebhookOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "Loyalty:MessageWebhook";

    /// <summary>Where each message is POSTed as JSON (an absolute http(s) URL; empty: the webhook is off).</summary>
    public string? Url { get; set; }

    /// <summary>The key of <c>X-Loyalty-Signature: sha256=&lt;hex HMAC-SHA256 of the body&gt;</c>.</summary>
    public string? Secret { get; set; }
}

/// <summary>What the messages say about the shop and where their links point (<c>Loyalty:Messaging</c>).</summary>
public sealed class MessagingOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "Loyalty:Messaging";

    /// <summary>The shop's name, in every message.</summary>
    public string ShopName { get; set; } = "Our shop";

    /// <summary>The shop's postal address, in every message (marketing mail must carry one).</summary>
    public string? ShopAddress { get; set; }

    /// <summary>The address members reach this service at (the unsubscribe link), e.g. <c>https://loyalty-app.azurewebsites.net</c>.</summary>
    public string? PublicBaseUrl { get; set; }

    /// <summary>The key that signs unsubscribe links.</summary>
    public string? LinkSecret { get; set; }

    /// <summary>The language of members whose locale has no templates: <c>en</c> or <c>zh-Hans</c>.</summary>
    public string DefaultLanguage { get; set; } = "en";

    /// <summary>Due messages a dispatcher run takes at most.</summary>
    public int BatchSize { get; set; } = 200;

    /// <summary>Templates laid over the defaults: <c>Templates:{kind}:{language}:{Subject|Html|Text}</c>.</summary>
    public Dictionary<string, Dictionary<string, TemplateText>> Templates { get; set; } = [];

    /// <summary>Problems with the messaging settings, each naming its setting (never a value).</summary>
    public IReadOnlyList<string> Validate(SmtpOptions smtp, MessageWebhookOptions webhook)
    {
        ArgumentNullException.ThrowIfNull(smtp);
        ArgumentNullException.ThrowIfNull(webhook);
        var errors = new List<string>(SecretRules.Problems([(Section + ":LinkSecret", LinkSecret), (MessageWebhookOptions.Section + ":Secret", webhook.Secret)]));
        if (!string.IsNullOrEmpty(smtp.Password) && smtp.Password.TrimStart().StartsWith("@Microsoft.", StringComparison.OrdinalIgnoreCase))
        {
            errors.Add($"{SmtpOptions.Section}:Password: is an unresolved Key Vault reference.");
        }

        var email = !string.IsNullOrWhiteSpace(smtp.Host);
        if (email && string.IsNullOrWhiteSpace(smtp.From))
        {
            errors.Add($"{SmtpOptions.Section}:From: required when {SmtpOptions.Section}:Host is set.");
        }

        if (smtp.Security is not ("None" or "StartTls" or "SslOnConnect"))
        {
            errors.Add($"{SmtpOptions.Section}:Security: None, StartTls or SslOnConnect.");
        }

        if (smtp.Port is < 1 or > 65535)
        {
            errors.Add($"{SmtpOptions.Section}:Port: 1 to 65535.");
        }

        var hook = !string.IsNullOrWhiteSpace(webhook.Url);
        foreach (var (setting, value) in new[] { (MessageWebhookOptions.Section + ":Url", webhook.Url), (Section + ":PublicBaseUrl", PublicBaseUrl) })
        {
            if (!string.IsNullOrWhiteSpace(value) && !IsHttpUrl(value))
            {
                errors.Add($"{setting}: an absolute http(s) URL.");
            }
        }

        if (hook && !SecretRules.IsUsable(webhook.Secret))
        {
            errors.Add($"{MessageWebhookOptions.Section}:Secret: required when {MessageWebhookOptions.Section}:Url is set.");
        }

        if ((email || hook) && (string.IsNullOrWhiteSpace(PublicBaseUrl) || !SecretRules.IsUsable(LinkSecret)))
        {
            errors.Add($"{Section}:PublicBaseUrl and {Section}:LinkSecret: required when a channel is on (every marketing message carries an unsubscribe link).");
        }

        if (DefaultLanguage is not ("en" or "zh-Hans"))
        {
            errors.Add($"{Section}:DefaultLanguage: en or zh-Hans.");
        }

        if (BatchSize is < 1 or > 1000)
        {
            errors.Add($"{Section}:BatchSize: 1 to 1000.");
        }

        return errors;
    }

    private static bool IsHttpUrl(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http";
}

/// <summary>One template: subject, HTML and plain text, with <c>{{placeholders}}</c>.</summary>
public sealed class TemplateText
{
    public string? Subject { get; set; }

    public string? Html { get; set; }

    public string? Text { get; set; }
}

/// <summary>Reads the pure messaging rules of Core from <c>Loyalty:Messaging</c> and the channel settings.</summary>
public static class MessagingSettings
{
    /// <summary>The rules, with the channels on where their settings are set.</summary>
    public static MessagingRules ReadRules(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(MessagingOptions.Section);
        var defaults = new MessagingRules();
        var quiet = section["QuietHours"];
        if (quiet is not null && !QuietHours.TryParse(quiet, out _))
        {
            throw new InvalidOperationException($"Invalid program settings: {MessagingOptions.Section}:QuietHours: HH:mm-HH:mm (21:00-09:00) or none.");
        }

        var kinds = section.GetSection("MarketingKinds").Get<List<string>>();
        return defaults with
        {
            MarketingKinds = kinds ?? defaults.MarketingKinds,
            QuietHours = quiet is not null && QuietHours.TryParse(quiet, out var hours) ? hours : defaults.QuietHours,
            WeeklyMarketingCap = section.GetValue<int?>("WeeklyMarketingCap") ?? defaults.WeeklyMarketingCap,
            PointsEarnedReceipt = section.GetValue<bool?>("PointsEarnedReceipt") ?? defaults.PointsEarnedReceipt,
            MaxAttempts = section.GetValue<int?>("MaxAttempts") ?? defaults.MaxAttempts,
            RetryDelay = section.GetValue<double?>("RetryDelaySeconds") is { } retry ? TimeSpan.FromSeconds(retry) : defaults.RetryDelay,
            SendLease = section.GetValue<double?>("SendLeaseSeconds") is { } lease ? TimeSpan.FromSeconds(lease) : defaults.SendLease,
            Email = !string.IsNullOrWhiteSpace(configuration[SmtpOptions.Section + ":Host"]),
            Webhook = !string.IsNullOrWhiteSpace(configuration[MessageWebhookOptions.Section + ":Url"]),
        };
    }
}

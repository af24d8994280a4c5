using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Loyalty.App.Configuration;
using Loyalty.App.Rewards;
using Loyalty.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Loyalty.App.Intake;

/// <summary>
/// Measures WooCommerce refunds by their lines. An <c>order.updated</c> webhook lists each refund
/// with its total only; with the shop's REST keys (<c>Loyalty:WooCommerce</c>, the coupon channel's
/// settings) the intake reads <c>GET /wp-json/wc/v3/orders/{id}/refunds</c> once per delivery and
/// puts each refund's lines (the order line it names in <c>_refunded_item_id</c>, the quantity and
/// the total, both negative in WooCommerce's answer) into its event, so the decider takes back what
/// those lines earned. Without keys, for another shop than the keys', or when the shop does not
/// answer 200 within <see cref="TimeoutSeconds"/>, the events stay as mapped: the refund's share of
/// the order total. A refund without lines, or with a line that names no order line, stays so too.
/// </summary>
public sealed class WooCommerceRefundLines(IOptions<WooCommerceApiOptions> options, ILogger<WooCommerceRefundLines> logger) : IDisposable
{
    /// <summary>How long the intake waits for the shop's refunds before it keeps the share of the order total.</summary>
    public const double TimeoutSeconds = 3;

    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(TimeoutSeconds) };

    /// <summary>
    /// <paramref name="result"/> with the lines of each refund by amount put into its event, when the
    /// shop's keys are set and the shop answers; otherwise <paramref name="result"/> unchanged.
    /// </summary>
    public async Task<IntakeResult> MeasureAsync(IntakeResult result, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(result);
        var o = options.Value;
        if (result is not IntakeAccepted accepted
            || string.IsNullOrWhiteSpace(o.StoreUrl) || !SecretRules.IsUsable(o.ConsumerKey) || !SecretRules.IsUsable(o.ConsumerSecret)
            || !Uri.TryCreate(o.StoreUrl, UriKind.Absolute, out var store))
        {
            return result;
        }

        // Only refunds mapped by amount, of the shop the keys belong to (the event id names the webhook's source).
        var prefix = $"woo:{store.IdnHost.ToLowerInvariant()}:order:";
        var byAmount = accepted.Events.OfType<OrderRefunded>().Where(r => !r.Full && r.Lines.Count == 0 && r.EventId.StartsWith(prefix, StringComparison.Ordinal)).ToList();
        if (byAmount.Count == 0)
        {
            return result;
        }

        var orderId = byAmount[0].OrderId;
        if (await ReadAsync(orderId, ct) is not { } lines)
        {
            return result;
        }

        var measured = 0;
        var events = accepted.Events.Select(e =>
        {
            if (e is OrderRefunded r && byAmount.Contains(r) && lines.TryGetValue(r.RefundId, out var refundLines))
            {
                measured++;
                return r with { Lines = refundLines, Amount = 0m };
            }

            return e;
        }).ToList();
        logger.LogInformation("WooCommerce order {OrderId}: {Measured} of {Refunds} refund(s) measured by their lines", orderId, measured, byAmount.Count);
        return accepted with { Events = events };
    }

    /// <inheritdoc/>
    public void Dispose() => _http.Dispose();

    /// <summary>
    /// The lines of each refund in <paramref name="refunds"/> that has lines and names the order line
    /// of every one, by refund id, parsed from WooCommerce's "List all refunds" answer.
    /// </summary>
    public static Dictionary<string, IReadOnlyList<RefundLine>> Parse(JsonElement refunds)
    {
        var byRefund = new Dictionary<string, IReadOnlyList<RefundLine>>(StringComparer.Ordinal);
        if (refunds.ValueKind != JsonValueKind.Array)
        {
            return byRefund;
        }

        foreach (var refund in refunds.EnumerateArray())
        {
            if (refund.ValueKind != JsonValueKind.Object || Text(refund, "id") is not { } id
                || !refund.TryGetProperty("line_items", out var items) || items.ValueKind != JsonValueKind.Array || items.GetArrayLength() == 0)
            {
                continue;
            }

            var lines = new List<RefundLine>();
            foreach (var item in items.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.Object || RefundedItem(item) is not { } lineId || !Keys.IsValid(lineId)
                    || Number(item, "total") is not { } total || Number(item, "quantity") is not { } quantity || quantity != decimal.Truncate(quantity))
                {
                    lines.Clear();
                    break;
                }

                lines.Add(new RefundLine(lineId, (int)Math.Min(int.MaxValue, Math.Abs(quantity)), Math.Abs(total)));
            }

            if (lines.Count > 0)
            {
                byRefund[id] = lines;
            }
        }

        return byRefund;
    }

    private async Task<Dictionary<string, IReadOnlyList<RefundLine>>?> ReadAsync(string orderId, CancellationToken ct)
    {
        var o = options.Value;
        using var request = new HttpRequestMessage(HttpMethod.Get, o.Resource($"orders/{Uri.EscapeDataString(orderId)}/refunds?per_page=100"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{o.ConsumerKey}:{o.ConsumerSecret}")));
        try
        {
            using var response = await _http.SendAsync(request, ct);
            if (!response.IsSuccessStatusCode)
            {
                logger.LogWarning("WooCommerce answered {Status} for the refunds of order {OrderId}: measured by the order total", (int)response.StatusCode, orderId);
                return null;
            }

            await using var body = await response.Content.ReadAsStreamAsync(ct);
            using var document = await JsonDocument.ParseAsync(body, cancellationToken: ct);
            return Parse(document.RootElement);
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException || (ex is TaskCanceledException && !ct.IsCancellationRequested))
        {
            logger.LogWarning("WooCommerce did not give the refunds of order {OrderId} ({ErrorType}): measured by the order total", orderId, ex.GetType().Name);
            return null;
        }
    }

    // meta_data [{ key: "_refunded_item_id", value: "311" }]: the order line the refund line refunds.
    private static string? RefundedItem(JsonElement item)
    {
        if (!item.TryGetProperty("meta_data", out var meta) || meta.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        foreach (var entry in meta.EnumerateArray())
        {
            if (entry.ValueKind == JsonValueKind.Object && entry.TryGetProperty("key", out var key) && key.ValueKind == JsonValueKind.String
                && key.GetString() == "_refunded_item_id" && entry.TryGetProperty("value", out var value))
            {
                return value.ValueKind switch
                {
                    JsonValueKind.String => value.GetString(),
                    JsonValueKind.Number => value.GetRawText(),
                    _ => null,
                };
            }
        }

        return null;
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) ? value.ValueKind switch
        {
            JsonValueKind.Number => value.GetRawText(),
            JsonValueKind.String => value.GetString(),
            _ => null,
        } : null;

    // Money and quantities arrive as strings ("-9.00") or numbers (-1).
    private static decimal? Number(JsonElement element, string name) =>
        Text(element, name) is { } text && decimal.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out var number)
            ? number : null;
}

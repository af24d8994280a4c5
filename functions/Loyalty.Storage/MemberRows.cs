using System.Globalization;
using System.Text.Json;
using Azure.Data.Tables;
using Loyalty.Core;

namespace Loyalty.Storage;

/// <summary>The row layout of a member partition (docs/ARCHITECTURE.md, "members") and the conversions to and from it.</summary>
internal static class MemberRows
{
    public const string StateKey = "state";
    public const string TxPrefix = "tx|";

    // '}' is the character after '|', so [tx|, tx}) covers every ledger row and nothing else.
    public const string TxPrefixEnd = "tx}";

    public const long MaxSequence = 999_999_999_999;

    // Azure stores a string property as UTF-16 up to 64 KiB (32 Ki chars); keep a margin.
    public const int MaxStringBytes = 60 * 1024;

    /// <summary>
    /// Stored records: camelCase like the envelope, without the computed get-only properties
    /// (Balance, LotPoints, Spendable), which only make the row bigger.
    /// </summary>
    public static JsonSerializerOptions Json { get; } = CreateJson();

    private static JsonSerializerOptions CreateJson()
    {
        var options = new JsonSerializerOptions(EventEnvelope.Json) { IgnoreReadOnlyProperties = true };
        options.MakeReadOnly();
        return options;
    }

    // A per-member sequence rather than a reversed time: a total order that clock skew
    // between instances cannot break. Reversed so that ascending RowKey order is newest first.
    public static string TxKey(long sequence) =>
        TxPrefix + (MaxSequence - sequence).ToString("D12", CultureInfo.InvariantCulture);

    public static string EventKey(string eventId) => "evt|" + eventId;

    public static string OrderKey(string orderId) => "order|" + orderId;

    public static string RedemptionKey(string requestId) => "redemption|" + requestId;

    public const string MessagePrefix = "msg|";

    public const string MessagePrefixEnd = "msg}";

    public static string MessageKey(string messageId) => MessagePrefix + messageId;

    public const string NotePrefix = "note|";

    public const string NotePrefixEnd = "note}";

    public const string OrderPrefix = "order|";

    public const string OrderPrefixEnd = "order}";

    public const string RedemptionPrefix = "redemption|";

    public const string RedemptionPrefixEnd = "redemption}";

    public static TableEntity NoteRow(string memberId, MemberNote note) =>
        new(memberId, NotePrefix + note.NoteId)
        {
            ["Kind"] = note.Kind,
            ["At"] = note.At,
            ["Data"] = Serialize(note, memberId, "note"),
        };

    public static TableEntity MessageRow(string memberId, OutboxMessage message) =>
        new(memberId, MessageKey(message.MessageId))
        {
            ["Kind"] = message.Kind,
            ["CreatedAt"] = message.CreatedAt,
            ["Data"] = Serialize(message, memberId, "message"),
        };

    public static TableEntity StateRow(MemberState state)
    {
        var data = Serialize(state, state.MemberId, "state");
        return new TableEntity(state.MemberId, StateKey)
        {
            ["Version"] = state.Version,
            ["Balance"] = state.Balance,
            ["Data"] = data,
        };
    }

    public static TableEntity MarkerRow(string memberId, string eventId, DateTimeOffset appliedAt, string? report = null)
    {
        var row = new TableEntity(memberId, EventKey(eventId))
        {
            ["EventId"] = eventId,
            ["AppliedAt"] = appliedAt,
        };
        if (report is not null)
        {
            row["Report"] = report;
        }

        return row;
    }

    public static TableEntity OrderRow(string memberId, OrderRecord order) =>
        new(memberId, OrderKey(order.OrderId)) { ["Data"] = Serialize(order, memberId, "order") };

    public const string DiscountPrefix = "discount|";

    public const string DiscountPrefixEnd = "discount}";

    public static string DiscountKey(string requestId) => DiscountPrefix + requestId;

    public static TableEntity DiscountRow(string memberId, DiscountOrder discount) =>
        new(memberId, DiscountKey(discount.RequestId))
        {
            ["Status"] = discount.Status,
            ["Data"] = Serialize(discount, memberId, "discount"),
        };

    public static TableEntity RedemptionRow(string memberId, RedemptionRecord redemption) =>
        new(memberId, RedemptionKey(redemption.RequestId)) { ["Data"] = Serialize(redemption, memberId, "redemption") };

    public static TableEntity LedgerRow(string memberId, LedgerEntry entry)
    {
        var row = new TableEntity(memberId, TxKey(entry.Sequence))
        {
            ["Kind"] = entry.Kind,
            ["Points"] = entry.Points,
            ["Sequence"] = entry.Sequence,
            ["At"] = entry.At,
            ["SourceEventId"] = entry.SourceEventId,
            ["BalanceAfter"] = entry.BalanceAfter,
            ["DebtChange"] = entry.DebtChange,
            ["PendingChange"] = entry.PendingChange,
            ["Lots"] = Serialize(entry.Lots, memberId, "ledger lots"),
        };
        AddIfPresent(row, "OrderId", entry.OrderId, memberId);
        AddIfPresent(row, "RewardId", entry.RewardId, memberId);
        AddIfPresent(row, "Reason", entry.Reason, memberId);
        AddIfPresent(row, "Actor", entry.Actor, memberId);
        AddIfPresent(row, "TierId", entry.TierId, memberId);
        AddIfPresent(row, "BenefitId", entry.BenefitId, memberId);
        return row;
    }

    public static MemberState ReadState(TableEntity row)
    {
        var state = Deserialize<MemberState>(row);
        if (!string.Equals(state.MemberId, row.PartitionKey, StringComparison.Ordinal))
        {
            throw new InvalidDataException($"Member {row.PartitionKey}: the state row holds the state of another member.");
        }

        return state;
    }

    public static T Deserialize<T>(TableEntity row)
    {
        var data = row.GetString("Data")
            ?? throw new InvalidDataException($"Member {row.PartitionKey}, row {row.RowKey}: no Data property.");
        try
        {
            return JsonSerializer.Deserialize<T>(data, Json)
                ?? throw new InvalidDataException($"Member {row.PartitionKey}, row {row.RowKey}: Data is null.");
        }
        catch (JsonException ex)
        {
            // The message names the row and the JSON path, never the stored values.
            throw new InvalidDataException($"Member {row.PartitionKey}, row {row.RowKey}: Data is not a valid {typeof(T).Name} (at {ex.Path}).", ex);
        }
    }

    public static LedgerEntry ReadLedger(TableEntity row)
    {
        var lots = row.GetString("Lots");
        return new LedgerEntry
        {
            Sequence = Required(row, "Sequence", row.GetInt64("Sequence")),
            Kind = Required(row, "Kind", row.GetString("Kind")),
            Points = Required(row, "Points", row.GetInt64("Points")),
            SourceEventId = Required(row, "SourceEventId", row.GetString("SourceEventId")),
            At = Required(row, "At", row.GetDateTimeOffset("At")),
            Lots = string.IsNullOrEmpty(lots) ? [] : JsonSerializer.Deserialize<List<LotChange>>(lots, Json) ?? [],
            DebtChange = row.GetInt64("DebtChange") ?? 0,
            PendingChange = row.GetInt64("PendingChange") ?? 0,
            BalanceAfter = row.GetInt64("BalanceAfter") ?? 0,
            OrderId = row.GetString("OrderId"),
            RewardId = row.GetString("RewardId"),
            Reason = row.GetString("Reason"),
            Actor = row.GetString("Actor"),
            TierId = row.GetString("TierId"),
            BenefitId = row.GetString("BenefitId"),
        };
    }

    private static string Required(TableEntity row, string name, string? value) => value ?? throw Missing(row, name);

    private static long Required(TableEntity row, string name, long? value) => value ?? throw Missing(row, name);

    private static DateTimeOffset Required(TableEntity row, string name, DateTimeOffset? value) => value ?? throw Missing(row, name);

    private static InvalidDataException Missing(TableEntity row, string name) =>
        new($"Member {row.PartitionKey}, row {row.RowKey}: property {name} is missing or of the wrong type.");

    private static string Serialize<T>(T value, string memberId, string what)
    {
        var json = JsonSerializer.Serialize(value, Json);
        CheckSize(json, memberId, what);
        return json;
    }

    private static void AddIfPresent(TableEntity row, string name, string? value, string memberId)
    {
        if (value is not null)
        {
            CheckSize(value, memberId, "ledger " + name);
            row[name] = value;
        }
    }

    private static void CheckSize(string value, string memberId, string what)
    {
        if ((long)value.Length * sizeof(char) > MaxStringBytes)
        {
            throw new InvalidOperationException(
                $"Member {memberId}: the {what} is {value.Length * sizeof(char) / 1024} KiB as a table string, over the {MaxStringBytes / 1024} KiB allowed (Azure's limit is 64 KiB per string property).");
        }
    }
}

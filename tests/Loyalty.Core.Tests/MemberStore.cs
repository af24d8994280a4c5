using System.Text.Json;

namespace Loyalty.Core.Tests;

/// <summary>
/// A one-member stand-in for the member partition: state row, order and redemption rows, the
/// ledger, and the <c>evt|</c> markers. It mirrors the commit: an event id already marked
/// changes nothing; otherwise the decision is made and only an Applied one is kept, its
/// marker written with it.
/// </summary>
internal sealed class MemberStore(LoyaltyProgram program)
{
    private readonly Dictionary<string, OrderRecord> _orders = [];
    private readonly Dictionary<string, RedemptionRecord> _redemptions = [];
    private readonly HashSet<string> _appliedEventIds = [];
    private readonly List<LedgerEntry> _ledger = [];

    public LoyaltyProgram Program { get; } = program;

    public MemberState? State { get; private set; }

    public IReadOnlyDictionary<string, OrderRecord> Orders => _orders;

    public IReadOnlyDictionary<string, RedemptionRecord> Redemptions => _redemptions;

    public IReadOnlyList<LedgerEntry> Ledger => _ledger;

    public int AppliedCount => _appliedEventIds.Count;

    /// <summary>Reads the rows the event needs, by key, as the processor does.</summary>
    public DecisionInputs InputsFor(LoyaltyEvent evt)
    {
        var (orderId, requestId) = Decider.Needs(evt);
        return new DecisionInputs(
            orderId is null ? null : _orders.GetValueOrDefault(orderId),
            requestId is null ? null : _redemptions.GetValueOrDefault(requestId));
    }

    /// <summary>Decides without writing anything.</summary>
    public Decision Decide(LoyaltyEvent evt, DateTimeOffset now) =>
        Decider.Decide(State, evt, InputsFor(evt), Program, now);

    /// <summary>Decides and commits; null when the event id was applied before (a 409 on the marker).</summary>
    public Decision? Apply(LoyaltyEvent evt, DateTimeOffset now)
    {
        if (_appliedEventIds.Contains(evt.EventId))
        {
            return null;
        }

        var decision = Decide(evt, now);
        if (decision.Outcome == DecisionOutcome.Applied)
        {
            State = decision.State;
            _ledger.AddRange(decision.Entries);
            if (decision.Order is { } order)
            {
                _orders[order.OrderId] = order;
            }

            if (decision.Redemption is { } redemption)
            {
                _redemptions[redemption.RequestId] = redemption;
            }

            _appliedEventIds.Add(evt.EventId);
        }

        return decision;
    }

    /// <summary>Everything stored, as JSON, to compare before and after.</summary>
    public string Snapshot() => JsonSerializer.Serialize(
        new
        {
            State,
            Orders = _orders.OrderBy(o => o.Key, StringComparer.Ordinal).ToList(),
            Redemptions = _redemptions.OrderBy(r => r.Key, StringComparer.Ordinal).ToList(),
            Ledger = _ledger,
            Applied = _appliedEventIds.Order(StringComparer.Ordinal).ToList(),
        },
        EventEnvelope.Json);
}

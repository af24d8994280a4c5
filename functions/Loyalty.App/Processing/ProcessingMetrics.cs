using System.Diagnostics.Metrics;

namespace Loyalty.App.Processing;

/// <summary>
/// The counters an operator alerts on, on the meter <see cref="MeterName"/> (exported with the
/// rest of the app's telemetry where Application Insights is configured).
/// </summary>
public sealed class ProcessingMetrics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "Loyalty";

    private readonly Counter<long> _parked;
    private readonly Counter<long> _held;

    /// <summary>Creates the counters on a meter of <paramref name="meters"/>.</summary>
    public ProcessingMetrics(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        var meter = meters.Create(MeterName);
        _parked = meter.CreateCounter<long>("loyalty.messages.parked", "{message}", "Messages parked in the poison queue, waiting for an operator to replay them.");
        _held = meter.CreateCounter<long>("loyalty.events.held", "{event}", "Events over a credit limit, held for the owner to approve or reject.");
    }

    /// <summary>One message parked in the poison queue.</summary>
    public void Parked() => _parked.Add(1);

    /// <summary>One event held over a credit limit.</summary>
    public void Held() => _held.Add(1);
}

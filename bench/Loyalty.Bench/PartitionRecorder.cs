using System.Collections.Concurrent;
using System.Text;
using System.Text.RegularExpressions;
using Azure.Core;
using Azure.Core.Pipeline;

namespace Loyalty.Bench;

/// <summary>What the table requests of one phase touched.</summary>
/// <param name="TableRequests">Every request to the table service (to check against the app's own counter).</param>
/// <param name="ByTable">Requests per table (<c>$batch</c> counted under the table its operations name).</param>
/// <param name="MemberPartitions">Member partitions read or written.</param>
/// <param name="UnscopedMemberRequests">Member-table requests that named no partition: a scan, which the job must never make.</param>
internal sealed record TouchedPartitions(long TableRequests, IReadOnlyDictionary<string, long> ByTable, IReadOnlySet<string> MemberPartitions, long UnscopedMemberRequests);

/// <summary>
/// A transport under every Azure client of the process (set on <see cref="ClientOptions.Default"/>
/// before any client is built) that records, while a phase is being watched, which partitions
/// of the member table each table request reads or writes: from the key in a point read's
/// URL, the <c>PartitionKey eq</c> of a query, or the operations inside an entity-group
/// transaction. It sees each attempt once, as the app's <c>RequestCounter</c> does.
/// </summary>
internal sealed partial class PartitionRecorder : HttpPipelineTransport
{
    private readonly HttpPipelineTransport _inner;
    private readonly object _gate = new();
    private Phase? _phase;

    private PartitionRecorder(HttpPipelineTransport inner) => _inner = inner;

    /// <summary>Puts a recorder under every client built from now on.</summary>
    public static PartitionRecorder Install()
    {
        var recorder = new PartitionRecorder(ClientOptions.Default.Transport);
        ClientOptions.Default.Transport = recorder;
        return recorder;
    }

    /// <summary>Starts recording requests to the table service at <paramref name="tableService"/>, watching <paramref name="membersTable"/>.</summary>
    public void Start(Uri tableService, string membersTable)
    {
        ArgumentNullException.ThrowIfNull(tableService);
        lock (_gate)
        {
            _phase = new Phase(tableService.GetLeftPart(UriPartial.Authority), membersTable);
        }
    }

    /// <summary>What was recorded since <see cref="Start"/>; recording goes on into a fresh phase of the same table.</summary>
    public TouchedPartitions Next()
    {
        lock (_gate)
        {
            var phase = _phase ?? throw new InvalidOperationException("Not recording.");
            _phase = new Phase(phase.TableService, phase.MembersTable);
            return phase.Result();
        }
    }

    /// <summary>Stops recording.</summary>
    public void Stop()
    {
        lock (_gate)
        {
            _phase = null;
        }
    }

    /// <inheritdoc />
    public override Request CreateRequest() => _inner.CreateRequest();

    /// <inheritdoc />
    public override void Process(HttpMessage message)
    {
        Record(message);
        _inner.Process(message);
    }

    /// <inheritdoc />
    public override async ValueTask ProcessAsync(HttpMessage message)
    {
        Record(message);
        await _inner.ProcessAsync(message).ConfigureAwait(false);
    }

    private void Record(HttpMessage message)
    {
        Phase? phase;
        lock (_gate)
        {
            phase = _phase;
        }

        var uri = message.Request.Uri.ToUri();
        if (phase is null || !string.Equals(uri.GetLeftPart(UriPartial.Authority), phase.TableService, StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        Interlocked.Increment(ref phase.TableRequests);
        var path = Uri.UnescapeDataString(uri.AbsolutePath);
        var resource = path[(path.LastIndexOf('/') + 1)..];
        string table;
        var partitions = new List<string>();
        if (resource == "$batch")
        {
            // One table per transaction; inserts carry the key in the JSON body, replaces in the URL.
            var body = BatchBody(message);
            var target = BatchTarget().Match(body);
            table = target.Success ? target.Groups["table"].Value : "$batch";
            partitions.AddRange(UrlPartition().Matches(body).Select(m => m.Groups["pk"].Value));
            partitions.AddRange(JsonPartition().Matches(body).Select(m => m.Groups["pk"].Value));
        }
        else
        {
            var paren = resource.IndexOf('(', StringComparison.Ordinal);
            table = paren < 0 ? resource : resource[..paren];
            partitions.AddRange(UrlPartition().Matches(resource).Select(m => m.Groups["pk"].Value));
            partitions.AddRange(FilterPartition().Matches(Uri.UnescapeDataString(uri.Query)).Select(m => m.Groups["pk"].Value));
        }

        phase.ByTable.AddOrUpdate(table, 1, (_, n) => n + 1);
        if (!string.Equals(table, phase.MembersTable, StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        if (partitions.Count == 0)
        {
            Interlocked.Increment(ref phase.Unscoped);
        }

        foreach (var partition in partitions)
        {
            phase.Partitions.TryAdd(partition.Replace("''", "'", StringComparison.Ordinal), 0);
        }
    }

    private static string BatchBody(HttpMessage message)
    {
        if (message.Request.Content is not { } content)
        {
            return string.Empty;
        }

        // The content is written again when the request is sent (and on each retry).
        using var buffer = new MemoryStream();
        content.WriteTo(buffer, message.CancellationToken);
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    [GeneratedRegex(@"(?:POST|PUT|PATCH|MERGE|DELETE|GET) \S*/(?<table>[A-Za-z][A-Za-z0-9]*)(?:\(|\s)")]
    private static partial Regex BatchTarget();

    [GeneratedRegex(@"PartitionKey='(?<pk>(?:[^']|'')*)'")]
    private static partial Regex UrlPartition();

    [GeneratedRegex(@"PartitionKey eq '(?<pk>(?:[^']|'')*)'")]
    private static partial Regex FilterPartition();

    [GeneratedRegex(@"""PartitionKey""\s*:\s*""(?<pk>[^""]*)""")]
    private static partial Regex JsonPartition();

    private sealed class Phase(string tableService, string membersTable)
    {
        public long TableRequests;
        public long Unscoped;

        public string TableService { get; } = tableService;

        public string MembersTable { get; } = membersTable;

        public ConcurrentDictionary<string, long> ByTable { get; } = new(StringComparer.OrdinalIgnoreCase);

        public ConcurrentDictionary<string, byte> Partitions { get; } = new(StringComparer.Ordinal);

        public TouchedPartitions Result() => new(
            Interlocked.Read(ref TableRequests),
            ByTable.ToDictionary(StringComparer.OrdinalIgnoreCase),
            Partitions.Keys.ToHashSet(StringComparer.Ordinal),
            Interlocked.Read(ref Unscoped));
    }
}

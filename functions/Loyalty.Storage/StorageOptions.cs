using System.Text.RegularExpressions;

namespace Loyalty.Storage;

/// <summary>Where the member table and the event queues live; bound from <c>Loyalty:Storage</c>.</summary>
public sealed partial class StorageOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "Loyalty:Storage";

    /// <summary>
    /// A storage connection string (<c>UseDevelopmentStorage=true</c> or Azurite's full string).
    /// When set, it is used instead of the service URIs.
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>In Azure: <c>https://{account}.table.core.windows.net</c>, reached with <c>DefaultAzureCredential</c>.</summary>
    public Uri? TableServiceUri { get; set; }

    /// <summary>In Azure: <c>https://{account}.queue.core.windows.net</c>, reached with <c>DefaultAzureCredential</c>.</summary>
    public Uri? QueueServiceUri { get; set; }

    /// <summary>Client id of the user-assigned managed identity that <c>DefaultAzureCredential</c> should use.</summary>
    public string? ManagedIdentityClientId { get; set; }

    /// <summary>The table holding one partition per member.</summary>
    public string MembersTable { get; set; } = "members";

    /// <summary>Table of the order-to-member index (routes refunds that do not name their customer).</summary>
    public string OrdersTable { get; set; } = "orders";

    /// <summary>Table of the timer jobs' index partitions (<c>expiry|{day}</c>, ...) and their progress.</summary>
    public string ScheduleTable { get; set; } = "schedule";

    /// <summary>Table of the member directory: one row per member for the members list, and the exact-lookup rows.</summary>
    public string DirectoryTable { get; set; } = "directory";

    /// <summary>Table of the reports: per-day delta rows of every applied event and their monthly roll-ups.</summary>
    public string ReportsTable { get; set; } = "reports";

    /// <summary>The queue every event travels through.</summary>
    public string EventsQueue { get; set; } = "loyalty-events";

    /// <summary>Where messages go after failing too often.</summary>
    public string PoisonQueue { get; set; } = "loyalty-events-poison";

    /// <summary>
    /// Messages naming each bad setting; empty when the options can be used. Never echoes the
    /// connection string, which carries the account key.
    /// </summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        var prefix = SectionName + ":";
        var hasConnectionString = !string.IsNullOrWhiteSpace(ConnectionString);
        var hasUris = TableServiceUri is not null || QueueServiceUri is not null;

        if (!hasConnectionString && !hasUris)
        {
            errors.Add($"{prefix}ConnectionString or {prefix}TableServiceUri and {prefix}QueueServiceUri: one is required.");
        }
        else if (hasConnectionString && hasUris)
        {
            // Layered configuration (appsettings + environment) could otherwise quietly send
            // production traffic to a development account, or the other way round.
            errors.Add($"{prefix}ConnectionString and {prefix}TableServiceUri/QueueServiceUri: set one or the other, not both.");
        }
        else if (hasConnectionString)
        {
            if (!ConnectionString!.Contains('=', StringComparison.Ordinal))
            {
                errors.Add($"{prefix}ConnectionString: expected 'UseDevelopmentStorage=true' or 'Key=Value;...' pairs.");
            }
        }
        else
        {
            CheckServiceUri(errors, prefix + "TableServiceUri", TableServiceUri);
            CheckServiceUri(errors, prefix + "QueueServiceUri", QueueServiceUri);
        }

        if (!string.IsNullOrWhiteSpace(ManagedIdentityClientId) && !Guid.TryParse(ManagedIdentityClientId, out _))
        {
            errors.Add($"{prefix}ManagedIdentityClientId: expected the identity's client id (a GUID).");
        }

        if (MembersTable is null || !TableName().IsMatch(MembersTable) || string.Equals(MembersTable, "tables", StringComparison.OrdinalIgnoreCase))
        {
            errors.Add($"{prefix}MembersTable: a table name is 3 to 63 letters or digits, starting with a letter, and not 'tables'.");
        }

        if (OrdersTable is null || !TableName().IsMatch(OrdersTable) || string.Equals(OrdersTable, "tables", StringComparison.OrdinalIgnoreCase) || string.Equals(OrdersTable, MembersTable, StringComparison.OrdinalIgnoreCase))
        {
            errors.Add($"{prefix}OrdersTable: a table name is 3 to 63 letters or digits, starting with a letter, not 'tables' and not the members table.");
        }

        if (ScheduleTable is null || !TableName().IsMatch(ScheduleTable) || string.Equals(ScheduleTable, "tables", StringComparison.OrdinalIgnoreCase)
            || string.Equals(ScheduleTable, MembersTable, StringComparison.OrdinalIgnoreCase) || string.Equals(ScheduleTable, OrdersTable, StringComparison.OrdinalIgnoreCase))
        {
            errors.Add($"{prefix}ScheduleTable: a table name is 3 to 63 letters or digits, starting with a letter, not 'tables' and not another table of the app.");
        }

        if (DirectoryTable is null || !TableName().IsMatch(DirectoryTable) || new[] { "tables", MembersTable, OrdersTable, ScheduleTable }.Contains(DirectoryTable, StringComparer.OrdinalIgnoreCase))
        {
            errors.Add($"{prefix}DirectoryTable: a table name is 3 to 63 letters or digits, starting with a letter, not 'tables' and not another table of the app.");
        }

        if (ReportsTable is null || !TableName().IsMatch(ReportsTable) || new[] { "tables", MembersTable, OrdersTable, ScheduleTable, DirectoryTable }.Contains(ReportsTable, StringComparer.OrdinalIgnoreCase))
        {
            errors.Add($"{prefix}ReportsTable: a table name is 3 to 63 letters or digits, starting with a letter, not 'tables' and not another table of the app.");
        }

        CheckQueueName(errors, prefix + "EventsQueue", EventsQueue);
        CheckQueueName(errors, prefix + "PoisonQueue", PoisonQueue);
        if (EventsQueue is not null && string.Equals(EventsQueue, PoisonQueue, StringComparison.Ordinal))
        {
            errors.Add($"{prefix}PoisonQueue: must differ from {prefix}EventsQueue.");
        }

        return errors;
    }

    private static void CheckServiceUri(List<string> errors, string name, Uri? uri)
    {
        if (uri is null)
        {
            errors.Add($"{name}: required when the other service URI is set.");
        }
        else if (!uri.IsAbsoluteUri || uri.Scheme != Uri.UriSchemeHttps)
        {
            // The SDK refuses bearer tokens over plain HTTP, so an http URI would only fail later.
            errors.Add($"{name}: expected an absolute https URI such as https://{{account}}.table.core.windows.net.");
        }
    }

    private static void CheckQueueName(List<string> errors, string name, string? value)
    {
        if (value is null || !QueueName().IsMatch(value) || value.Contains("--", StringComparison.Ordinal))
        {
            errors.Add($"{name}: a queue name is 3 to 63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit.");
        }
    }

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9]{2,62}$", RegexOptions.CultureInvariant)]
    private static partial Regex TableName();

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$", RegexOptions.CultureInvariant)]
    private static partial Regex QueueName();
}

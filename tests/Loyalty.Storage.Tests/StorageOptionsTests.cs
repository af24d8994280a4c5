namespace Loyalty.Storage.Tests;

public sealed class StorageOptionsTests
{
    private static StorageOptions Azure() => new()
    {
        TableServiceUri = new Uri("https://loyaltyprod.table.core.windows.net"),
        QueueServiceUri = new Uri("https://loyaltyprod.queue.core.windows.net"),
    };

    [Fact]
    public void Nothing_configured_names_both_ways_to_configure()
    {
        var errors = new StorageOptions().Validate();

        Assert.Equal(
            ["Loyalty:Storage:ConnectionString or Loyalty:Storage:TableServiceUri and Loyalty:Storage:QueueServiceUri: one is required."],
            errors);
    }

    [Fact]
    public void Development_storage_and_azure_uris_are_each_valid_alone()
    {
        Assert.Empty(new StorageOptions { ConnectionString = "UseDevelopmentStorage=true" }.Validate());
        Assert.Empty(Azure().Validate());
        var withIdentity = Azure();
        withIdentity.ManagedIdentityClientId = "8b3c1f0e-6f0a-4c55-9a43-2b0c6f1d7e21";
        Assert.Empty(withIdentity.Validate());
    }

    [Fact]
    public void One_service_uri_without_the_other_names_the_missing_one()
    {
        var options = Azure();
        options.QueueServiceUri = null;

        var error = Assert.Single(options.Validate());

        Assert.StartsWith("Loyalty:Storage:QueueServiceUri:", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Plain_http_service_uri_is_refused()
    {
        var options = Azure();
        options.TableServiceUri = new Uri("http://loyaltyprod.table.core.windows.net");

        Assert.StartsWith("Loyalty:Storage:TableServiceUri:", Assert.Single(options.Validate()), StringComparison.Ordinal);
    }

    [Fact]
    public void Connection_string_and_uris_together_are_refused_without_echoing_the_key()
    {
        var options = Azure();
        options.ConnectionString = "DefaultEndpointsProtocol=https;AccountName=x;AccountKey=c2VjcmV0LWtleQ==";

        var error = Assert.Single(options.Validate());

        Assert.Contains("Loyalty:Storage:ConnectionString", error, StringComparison.Ordinal);
        Assert.DoesNotContain("c2VjcmV0", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Connection_string_without_pairs_is_refused_without_echoing_it()
    {
        var error = Assert.Single(new StorageOptions { ConnectionString = "c2VjcmV0LWtleQ" }.Validate());

        Assert.StartsWith("Loyalty:Storage:ConnectionString:", error, StringComparison.Ordinal);
        Assert.DoesNotContain("c2VjcmV0", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Managed_identity_client_id_must_be_a_guid()
    {
        var options = Azure();
        options.ManagedIdentityClientId = "my-identity";

        Assert.StartsWith("Loyalty:Storage:ManagedIdentityClientId:", Assert.Single(options.Validate()), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ab")]
    [InlineData("1members")]
    [InlineData("loyalty-members")]
    [InlineData("loyalty_members")]
    [InlineData("tables")]
    [InlineData("")]
    public void Bad_table_names_are_named(string name)
    {
        var options = Azure();
        options.MembersTable = name;

        Assert.StartsWith("Loyalty:Storage:MembersTable:", Assert.Single(options.Validate()), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Loyalty-events")]
    [InlineData("loyalty--events")]
    [InlineData("-loyalty")]
    [InlineData("loyalty-")]
    [InlineData("ev")]
    [InlineData("loyalty_events")]
    [InlineData("")]
    public void Bad_queue_names_are_named(string name)
    {
        var options = Azure();
        options.EventsQueue = name;
        options.PoisonQueue = "loyalty-events-poison";

        Assert.StartsWith("Loyalty:Storage:EventsQueue:", Assert.Single(options.Validate()), StringComparison.Ordinal);
    }

    [Fact]
    public void Longest_names_allowed_pass()
    {
        var options = Azure();
        options.MembersTable = "M" + new string('1', 62);
        options.EventsQueue = "a" + new string('-', 1) + new string('b', 61);
        options.PoisonQueue = new string('9', 63);

        Assert.Empty(options.Validate());
    }

    [Fact]
    public void Poison_queue_must_differ_from_the_events_queue()
    {
        var options = Azure();
        options.PoisonQueue = options.EventsQueue;

        Assert.StartsWith("Loyalty:Storage:PoisonQueue:", Assert.Single(options.Validate()), StringComparison.Ordinal);
    }

    [Fact]
    public void Clients_refuse_bad_options_naming_every_bad_setting()
    {
        var options = new StorageOptions { MembersTable = "x" };

        var ex = Assert.Throws<InvalidOperationException>(() => new StorageClients(options, new RequestCounter()));

        Assert.Contains("Loyalty:Storage:ConnectionString", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Loyalty:Storage:MembersTable", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Clients_for_azure_use_the_configured_endpoints_and_names()
    {
        var options = Azure();
        options.MembersTable = "loyaltymembers";

        var clients = new StorageClients(options, new RequestCounter());

        Assert.Equal("loyaltyprod", clients.TableService.AccountName);
        Assert.Equal("loyaltymembers", clients.Members.Name);
        Assert.Equal("loyalty-events", clients.Events.Name);
        Assert.Equal("loyalty-events-poison", clients.Poison.Name);
        Assert.Equal(new Uri("https://loyaltyprod.queue.core.windows.net/loyalty-events"), clients.Events.Uri);
    }
}

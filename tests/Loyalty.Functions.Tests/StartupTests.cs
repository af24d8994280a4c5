namespace Loyalty.Functions.Tests;

/// <summary>The function app's services refuse to start on a missing or bad setting, naming it, as the local host does.</summary>
public sealed class StartupTests
{
    // Nothing listens here: start-up must stop on the setting before it needs storage.
    private const string NoStorage = "UseDevelopmentStorage=true;DevelopmentStorageProxyUri=http://127.0.0.1:9";

    [Theory]
    [InlineData("AzureWebJobsStorage", null, "Loyalty:Storage:TableServiceUri")]
    [InlineData("Loyalty:Storage:TableServiceUri", "http://tables.example/", "Loyalty:Storage:TableServiceUri")]
    [InlineData("Loyalty:Storage:MembersTable", "no", "Loyalty:Storage:MembersTable")]
    [InlineData("Loyalty:Processing:MaxAttempts", "0", "Loyalty:Processing:MaxAttempts")]
    [InlineData("Loyalty:Program:Currency", "usd", "Loyalty:Program:Currency")]
    [InlineData("Loyalty:Program:TimeZone", "Mars/Olympus_Mons", "Loyalty:Program:TimeZone")]
    public async Task A_missing_or_bad_setting_stops_start_up_naming_the_setting(string setting, string? value, string named)
    {
        var settings = FunctionApp.Settings(NoStorage);
        settings[setting] = value;
        if (value is null)
        {
            settings.Remove(setting);
        }

        var error = await FunctionApp.StartErrorAsync(settings);

        Assert.NotNull(error);
        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_app_starts_with_every_setting_valid()
    {
        await using var storage = await Loyalty.Testing.Azurite.StartAsync();

        Assert.Null(await FunctionApp.StartErrorAsync(FunctionApp.Settings(storage.ConnectionString)));
    }
}

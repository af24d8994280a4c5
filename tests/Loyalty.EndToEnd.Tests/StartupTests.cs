using Loyalty.Testing;

namespace Loyalty.EndToEnd.Tests;

/// <summary>A bad setting stops the local host at start with a message that names it.</summary>
public sealed class StartupTests
{
    [Theory]
    [InlineData("Loyalty__Program__Currency", "usd", "Loyalty:Program:Currency")]
    [InlineData("Loyalty__Program__TimeZone", "Mars/Olympus_Mons", "Loyalty:Program:TimeZone")]
    [InlineData("Loyalty__Program__Rewards__0__PointsCost", "0", "Loyalty:Program:Rewards[0].PointsCost")]
    [InlineData("Loyalty__Local__QueueBatchSize", "64", "Loyalty:Local:QueueBatchSize")]
    [InlineData("Loyalty__Processing__MaxAttempts", "0", "Loyalty:Processing:MaxAttempts")]
    public async Task A_bad_setting_stops_start_up_naming_the_setting(string variable, string value, string named)
    {
        var settings = new Dictionary<string, string> { [variable] = value };
        if (variable.Contains("Rewards", StringComparison.Ordinal))
        {
            settings["Loyalty__Program__Rewards__0__Id"] = "r1";
            settings["Loyalty__Program__Rewards__0__Name"] = "Reward";
            settings["Loyalty__Program__Rewards__0__Kind"] = "Gift";
        }

        // Nothing listens on this storage endpoint: the host must stop on the setting before it needs storage.
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            LocalHost.StartAsync("UseDevelopmentStorage=true;DevelopmentStorageProxyUri=http://127.0.0.1:9", settings, TestContext.Current.CancellationToken));

        Assert.Contains("exited during start", error.Message, StringComparison.Ordinal);
        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }
}

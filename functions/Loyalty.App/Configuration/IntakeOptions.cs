namespace Loyalty.App.Configuration;

/// <summary>How the webhook intakes treat what the shops send; bound from <c>Loyalty:Intake</c>.</summary>
public sealed class IntakeOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "Loyalty:Intake";

    /// <summary>
    /// Whether Shopify orders marked <c>test: true</c> (placed with a test gateway) earn points:
    /// off in production, on for a trial of the program against a development store.
    /// </summary>
    public bool AcceptShopifyTestOrders { get; set; }
}

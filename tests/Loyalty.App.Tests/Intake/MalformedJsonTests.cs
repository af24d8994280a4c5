using Loyalty.App.Intake;
using Xunit;
using static Loyalty.App.Tests.Intake.SignatureTests;
using static Loyalty.App.Tests.Intake.Webhooks;

namespace Loyalty.App.Tests.Intake;

/// <summary>Signed bodies that are not well-formed JSON: 400 naming where the reader stopped, never an exception.</summary>
public sealed class MalformedJsonTests
{
    public static TheoryData<string, string, string> Bodies
    {
        get
        {
            var data = new TheoryData<string, string, string>();
            foreach (var intake in new[] { "shopify", "woocommerce", "api" })
            {
                data.Add(intake, "", "body");
                data.Add(intake, "   ", "body");
                data.Add(intake, "hello", "body");
                data.Add(intake, "{", "body");
                data.Add(intake, "{\"id\": 1,", "id");
                data.Add(intake, "{\"id\": 1} {\"id\": 2}", "body");
                data.Add(intake, "{\"id\": 1, \"line_items\": [{\"price\": 1.2.3}]}", "line_items[0].price");
                data.Add(intake, "{\"id\": 1, \"line_items\": [{\"price\": \"1.00\"}, {\"price\": \"2.00\",", "line_items[1].price");
                data.Add(intake, "{\"id\": 1, \"line_items\": [{\"sku\": \"A\"}, {\"sku\": \"B\"}, {\"sku\": 'C'}]}", "line_items[2].sku");
                data.Add(intake, "{\"id\": 1, \"id\": 2}", "id");
                data.Add(intake, "{\"line_items\": [{\"sku\": \"\\ud800\"}]}", "line_items[0].sku");
                data.Add(intake, "{\"sku\": \"tab\there\"}", "sku");
                data.Add(intake, "{\"price\": NaN}", "price");
                data.Add(intake, "{\"quantity\": 01}", "quantity");
                data.Add(intake, "{\"total\": 1,}", "total");
                data.Add(intake, "{\"customer\": {\"hannah\": }}", "customer.*");
                data.Add(intake, new string('[', 100) + new string(']', 100), "[0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0]");
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Bodies))]
    public void Malformed_body_is_refused_naming_the_path_reached(string intake, string text, string field)
    {
        var body = Utf8(text);

        var rejected = Webhooks.Rejected(Run(intake, Resign(intake, body), body, SecretOf(intake)), 400, ProblemTypes.MalformedJson, field);
        Assert.StartsWith(field + ": ", rejected.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("shopify")]
    [InlineData("woocommerce")]
    [InlineData("api")]
    public void Body_that_is_not_UTF8_is_refused(string intake)
    {
        byte[] body = [(byte)'{', (byte)'"', 0xC3, 0x28, (byte)'"', (byte)':', (byte)'1', (byte)'}'];

        Webhooks.Rejected(Run(intake, Resign(intake, body), body, SecretOf(intake)), 400, ProblemTypes.MalformedJson, "body");
    }

    [Theory]
    [InlineData("shopify")]
    [InlineData("woocommerce")]
    [InlineData("api")]
    public void Byte_order_mark_is_tolerated(string intake)
    {
        var (signed, _, secret) = Signed(intake);
        byte[] body = [0xEF, 0xBB, 0xBF, .. signed];

        var result = Run(intake, Resign(intake, body), body, secret);

        Assert.True(result is IntakeAccepted, result.ToString());
    }

    private static string SecretOf(string intake) => Signed(intake).Secret;
}

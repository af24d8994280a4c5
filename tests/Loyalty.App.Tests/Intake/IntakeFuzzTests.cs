using System.Text;
using Loyalty.App.Intake;
using Loyalty.Core;
using Xunit;
using static Loyalty.App.Tests.Intake.Webhooks;

namespace Loyalty.App.Tests.Intake;

/// <summary>
/// Thousands of random mutations (truncate, flip, splice, delete, repeat, insert a hostile
/// token, swap a value) of valid bodies, re-signed so they get past the signature to the
/// parser and the mappers. Whatever comes in, only the four results come out: no exception,
/// no 5xx, no invalid event accepted, no personal data in a refusal.
/// </summary>
public sealed class IntakeFuzzTests(ITestOutputHelper output)
{
    private const int Mutations = 2500;

    private static readonly string[] Tokens =
    [
        "null", "true", "false", "0", "-1", "-0", "1.5", "1e400", "-1e-400", "99999999999999999999999999999999",
        "18446744073709551617", "\"\"", "\"abc\"", "\"/#?\"", "\"\\u0000\"", "\"\\ud800\"", "\"\\\"\"", "{}", "[]", "[null]",
        "{\"id\":1}", "[{}]", "\"2030-01-01T00:00:00Z\"", "\"1999-01-01T00:00:00Z\"", "\"-5.00\"", "\"1000000000\"", "\"0.000000000000000000000000001\"",
        "\"" + new string('a', 201) + "\"", "\"paid\"", "\"refunded\"", "\"cancelled\"", "\"processing\"", "\"purchase.completed\"",
        "{", "}", "[", "]", ",", ":", "\"", "\\", "\u00e9", "\ud83d\ude00",
    ];

    // Personal data in the corpus: a refusal or an acknowledgement must never carry it.
    private static readonly string[] PersonalData =
        ["hannah", "berg@", "kowalski", "maria.", "lukas", "meier@", "olivia", "grant@", "john@", "joao", "silva@", "smith"];

    private static readonly HashSet<string> ProblemSlugs =
    [
        ProblemTypes.InvalidSignature, ProblemTypes.MalformedJson, ProblemTypes.InvalidField, ProblemTypes.InvalidHeader,
        ProblemTypes.UnknownTopic, ProblemTypes.UnknownType, ProblemTypes.PayloadTooLarge,
    ];

    private static readonly HashSet<string> Reasons =
    [
        IgnoreReasons.GuestOrder, IgnoreReasons.OrderNotPaid, IgnoreReasons.OrderCancelled, IgnoreReasons.NoEarningLines,
        IgnoreReasons.NothingRefunded, IgnoreReasons.PrivacyTopic, IgnoreReasons.Ping, IgnoreReasons.OrderDeleted, IgnoreReasons.UnrecognisedStatus,
        IgnoreReasons.UnhandledTopic, IgnoreReasons.TestOrder, IgnoreReasons.DuplicateDelivery,
    ];

    [Theory]
    [InlineData("shopify", 20261122)]
    [InlineData("woocommerce", 20261123)]
    [InlineData("api", 20261124)]
    public void Mutated_signed_bodies_only_ever_yield_an_intake_result(string intake, int seed)
    {
        var corpus = Corpus(intake);
        var random = new Random(seed);
        var outcomes = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < Mutations; i++)
        {
            var (topic, original) = corpus[random.Next(corpus.Count)];
            var body = original;
            var rounds = random.Next(1, 4);
            for (var r = 0; r < rounds; r++)
            {
                body = Mutate(random, body, corpus);
            }

            IntakeResult result;
            try
            {
                result = Run(intake, topic, body);
            }
            catch (Exception ex)
            {
                Assert.Fail($"{intake} seed {seed} mutation {i} threw {ex.GetType().Name}: {ex.Message}\nbody (base64): {Convert.ToBase64String(body)}");
                throw;
            }

            var outcome = Check(intake, result, body);
            outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
        }

        // The mutations must reach every stage, or the test proves little.
        var summary = string.Join(", ", outcomes.OrderBy(o => o.Key, StringComparer.Ordinal).Select(o => $"{o.Key}={o.Value}"));
        output.WriteLine($"{intake}, {Mutations} mutations: {summary}");
        Assert.True(outcomes.GetValueOrDefault(ProblemTypes.MalformedJson) > Mutations / 20, summary);
        Assert.True(outcomes.GetValueOrDefault(ProblemTypes.InvalidField) + outcomes.GetValueOrDefault(ProblemTypes.UnknownType) > Mutations / 50, summary);
        Assert.True(outcomes.GetValueOrDefault("accepted") > Mutations / 50, summary);
        Assert.DoesNotContain(ProblemTypes.InvalidSignature, outcomes.Keys);
    }

    private static string Check(string intake, IntakeResult result, byte[] body)
    {
        var context = $"{intake} {result}\nbody (base64): {Convert.ToBase64String(body)}";
        switch (result)
        {
            case IntakeRejected rejected:
                Assert.True(rejected.Status is 400 or 413, context);
                Assert.Contains(rejected.Type, ProblemSlugs);
                Assert.False(string.IsNullOrWhiteSpace(rejected.Title), context);
                Assert.False(string.IsNullOrWhiteSpace(rejected.Detail), context);
                Assert.False(string.IsNullOrWhiteSpace(rejected.Field), context);
                NoPersonalData(rejected.Detail, context);
                NoPersonalData(rejected.Field!, context);
                return rejected.Type;
            case IntakeIgnored ignored:
                Assert.Contains(ignored.Reason, Reasons);
                return "ignored";
            case IntakeAccepted accepted:
                Assert.NotEmpty(accepted.Events);
                Assert.All(accepted.Events, evt => Valid(evt, intake, context));
                return "accepted";
            case IntakeAcceptedByOrder byOrder:
                Assert.Equal("shopify", intake);
                Assert.All(byOrder.ForMember("shopify-1"), evt => Valid(evt, intake, context));
                Assert.True(Keys.IsValid(byOrder.OrderKey), context);
                return "accepted";
            default:
                Assert.Fail("unexpected result " + context);
                return "";
        }
    }

    private static void Valid(LoyaltyEvent evt, string intake, string context)
    {
        var problems = intake == "api" ? EventValidation.Validate(evt) : EventValidation.Validate(evt, ReceivedAt);
        Assert.True(problems.Count == 0, $"{string.Join("; ", problems)} in {context}");

        // Whatever is accepted can travel on the queue and be read back as the same event.
        var envelope = EventEnvelope.Serialize(evt);
        Assert.True(EventEnvelope.TryParse(envelope, out var back, out var error), $"{error} in {context}");
        Assert.Equal(envelope, EventEnvelope.Serialize(back!));
    }

    private static void NoPersonalData(string text, string context)
    {
        foreach (var personal in PersonalData)
        {
            Assert.False(text.Contains(personal, StringComparison.OrdinalIgnoreCase), $"'{personal}' echoed in {context}");
        }
    }

    private static IntakeResult Run(string intake, string topic, byte[] body) => intake switch
    {
        "shopify" => ShopifyIntake.Handle(ShopifyHeaders(body, topic), body, ShopifySecret, ReceivedAt),
        "woocommerce" => WooCommerceIntake.Handle(WooHeaders(body, topic), body, WooSecret, ReceivedAt),
        _ => GenericApiIntake.Handle(ApiHeaders(body), body, ApiSecret, ReceivedAt),
    };

    private static List<(string Topic, byte[] Body)> Corpus(string intake)
    {
        static byte[] Paid(byte[] sample) =>
            Replace(Replace(sample, "\"financial_status\": \"voided\"", "\"financial_status\": \"paid\""), "\"cancelled_at\": \"2021-12-31T19:00:00-05:00\"", "\"cancelled_at\": null");

        return intake switch
        {
            "shopify" =>
            [
                ("orders/paid", Payload("shopify-orders-paid.json")),
                ("orders/paid", Payload("shopify-orders-paid-taxes-included.json")),
                ("orders/cancelled", Payload("shopify-orders-paid.json")),
                ("refunds/create", Payload("shopify-refunds-create-partial.json")),
                ("refunds/create", Fixture("shopify-refunds-create.json")),
                ("orders/paid", Paid(Fixture("shopify-orders-paid.json"))),
                ("orders/cancelled", Fixture("shopify-orders-cancelled.json")),
            ],
            "woocommerce" =>
            [
                ("order.updated", Payload("woocommerce-order-processing.json")),
                ("order.updated", Payload("woocommerce-order-completed-refund.json")),
                ("order.updated", Edit(Payload("woocommerce-order-completed-refund.json"), o => o["status"] = "refunded")),
                ("order.updated", Fixture("woocommerce-order-refunded.json")),
                ("order.created", Replace(Fixture("woocommerce-order.json"), "\"customer_id\": 0", "\"customer_id\": 26")),
            ],
            _ =>
            [
                ("", Payload("generic-purchase.json")),
                ("", Utf8(EventEnvelope.Serialize(new OrderRefunded("t:order:A-1:refund:R1", "t-c-1", ReceivedAt.AddDays(-1), "A-1", "R1", [new RefundLine("A-1-1", 1, 7.65m)], 2m)))),
                ("", Utf8(EventEnvelope.Serialize(new OrderCancelled("t:order:A-1:cancelled", "t-c-1", ReceivedAt.AddDays(-1), "A-1")))),
                ("", Utf8(EventEnvelope.Serialize(new MemberEnrolled("t:c:1", "t-c-1", ReceivedAt.AddDays(-1), new MemberProfile("olivia.grant@example.co.uk", "Olivia"))))),
            ],
        };
    }

    private static byte[] Mutate(Random random, byte[] body, List<(string Topic, byte[] Body)> corpus)
    {
        if (body.Length == 0)
        {
            return Utf8(Tokens[random.Next(Tokens.Length)]);
        }

        var at = random.Next(body.Length);
        var length = Math.Min(body.Length - at, random.Next(1, 64));
        // Value swaps are weighted up: they keep the body well-formed, so they reach the mappers.
        switch (random.Next(11))
        {
            case 0: // truncate
                return body[..at];
            case 1: // flip one bit
                var flipped = (byte[])body.Clone();
                flipped[at] ^= (byte)(1 << random.Next(8));
                return flipped;
            case 2: // splice in a piece of any body of the corpus
                var donor = corpus[random.Next(corpus.Count)].Body;
                var from = random.Next(donor.Length);
                var piece = donor.AsSpan(from, Math.Min(donor.Length - from, random.Next(1, 200)));
                return [.. body.AsSpan(0, at), .. piece, .. body.AsSpan(at + length)];
            case 3: // delete a range
                return [.. body.AsSpan(0, at), .. body.AsSpan(at + length)];
            case 4: // repeat a range
                return [.. body.AsSpan(0, at + length), .. body.AsSpan(at, length), .. body.AsSpan(at + length)];
            case 5: // insert a hostile token
                return [.. body.AsSpan(0, at), .. Encoding.UTF8.GetBytes(Tokens[random.Next(Tokens.Length)]), .. body.AsSpan(at)];
            default: // swap the value after a random ':' for a token (usually still well-formed JSON)
                return SwapValue(random, body);
        }
    }

    private static byte[] SwapValue(Random random, byte[] body)
    {
        var text = Encoding.UTF8.GetString(body);
        var colon = text.IndexOf(':', random.Next(text.Length));
        if (colon < 0)
        {
            return body;
        }

        var end = colon + 1;
        if (end < text.Length && text.AsSpan(end).TrimStart().StartsWith("\""))
        {
            // A string value: up to its closing quote.
            end = text.IndexOf('"', text.IndexOf('"', end) + 1) + 1;
        }
        else
        {
            while (end < text.Length && text[end] is not (',' or '}' or ']'))
            {
                end++;
            }
        }

        if (end <= colon)
        {
            return body;
        }

        var token = Tokens[random.Next(Tokens.Length - 11)]; // the well-formed values only
        return Utf8(string.Concat(text.AsSpan(0, colon + 1), " ", token, text.AsSpan(end)));
    }

    [Theory]
    [InlineData("shopify")]
    [InlineData("woocommerce")]
    [InlineData("api")]
    public void A_swapped_value_is_malformed_json_exactly_when_a_reference_parser_says_so_and_otherwise_reaches_the_mapper(string intake)
    {
        // The intake's own JSON check is held to System.Text.Json's reader: a well-formed body
        // must get past it to the mapper (mapped, ignored or refused on a field), a broken one
        // must be refused as malformed, and whatever comes out is one of the four results.
        var corpus = Corpus(intake);
        var random = new Random(7);
        var (wellFormed, mapped) = (0, 0);
        for (var i = 0; i < 400; i++)
        {
            var (topic, original) = corpus[random.Next(corpus.Count)];
            var body = SwapValue(random, original);
            var parses = ParsesAsJson(body);
            var outcome = Check(intake, Run(intake, topic, body), body);
            var context = $"{intake} swap {i}: {outcome}\nbody (base64): {Convert.ToBase64String(body)}";
            if (parses)
            {
                wellFormed++;
                Assert.True(outcome != ProblemTypes.MalformedJson, context);
                mapped += outcome is "accepted" or "ignored" || outcome == ProblemTypes.InvalidField || outcome == ProblemTypes.UnknownType ? 1 : 0;
            }
            else
            {
                Assert.True(outcome == ProblemTypes.MalformedJson, context);
            }
        }

        output.WriteLine($"{intake}: {wellFormed} of 400 swaps well-formed, {mapped} reached the mapper");
        Assert.True(wellFormed > 240, $"{wellFormed} of 400 well-formed");
        Assert.True(mapped > wellFormed * 9 / 10, $"{mapped} of {wellFormed} well-formed bodies reached the mapper");
    }

    // Well-formed as I-JSON (RFC 7493): System.Text.Json parses it and every string and name
    // is valid Unicode (a lone surrogate escape such as \ud800 is not).
    private static bool ParsesAsJson(byte[] body)
    {
        try
        {
            using var document = System.Text.Json.JsonDocument.Parse(body);
            Strings(document.RootElement);
            return true;
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or InvalidOperationException)
        {
            return false;
        }

        static void Strings(System.Text.Json.JsonElement element)
        {
            switch (element.ValueKind)
            {
                case System.Text.Json.JsonValueKind.String:
                    _ = element.GetString();
                    break;
                case System.Text.Json.JsonValueKind.Object:
                    foreach (var property in element.EnumerateObject())
                    {
                        _ = property.Name;
                        Strings(property.Value);
                    }

                    break;
                case System.Text.Json.JsonValueKind.Array:
                    foreach (var item in element.EnumerateArray())
                    {
                        Strings(item);
                    }

                    break;
            }
        }
    }
}

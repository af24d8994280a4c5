using System.Text;
using Loyalty.App.Intake;
using Xunit;
using static Loyalty.App.Tests.Intake.Webhooks;

namespace Loyalty.App.Tests.Intake;

public sealed class SignatureTests
{
    private static readonly byte[] Body = Payload("shopify-orders-paid.json");

    [Fact]
    public void Base64_signature_matches_a_known_HMAC()
    {
        // The widely published example: HMAC-SHA256 with key "key" over the pangram.
        var body = Encoding.UTF8.GetBytes("The quick brown fox jumps over the lazy dog");

        Assert.Equal("f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8", Signatures.ComputeHex(body, "key"));
        Assert.Equal("97yD9DBThCSxMpjmqm+xQ+9NWaFJRhdZl0edvC0aPNg=", Signatures.ComputeBase64(body, "key"));

        // The computation is right, but a 3-byte secret is guessable: it verifies nothing.
        Assert.False(Signatures.VerifyBase64HmacSha256(body, "97yD9DBThCSxMpjmqm+xQ+9NWaFJRhdZl0edvC0aPNg=", "key"));
        Assert.False(Signatures.VerifyHexHmacSha256(body, "sha256=f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8", "key"));
    }

    [Fact]
    public void Hex_signature_accepts_either_case_and_surrounding_space()
    {
        var hex = Signatures.ComputeHex(Body, ApiSecret);

        Assert.True(Signatures.VerifyHexHmacSha256(Body, "sha256=" + hex.ToUpperInvariant(), ApiSecret));
        Assert.True(Signatures.VerifyHexHmacSha256(Body, " SHA256=" + hex + " ", ApiSecret));
        Assert.Equal("sha256=" + hex, Signatures.ComputeHexHeader(Body, ApiSecret));
    }

    public static TheoryData<string?, string?> BadBase64 => new()
    {
        { null, ShopifySecret },
        { "", ShopifySecret },
        { "   ", ShopifySecret },
        { "not base64 at all!", ShopifySecret },
        { "%%%%", ShopifySecret },
        { Convert.ToBase64String(new byte[31]), ShopifySecret },
        { Convert.ToBase64String(new byte[33]), ShopifySecret },
        { Convert.ToBase64String(new byte[64]), ShopifySecret },
        { Signatures.ComputeBase64(Body, "wrong-secret"), ShopifySecret },
        { Signatures.ComputeBase64(Body, ShopifySecret), null },
        { Signatures.ComputeBase64(Body, ShopifySecret), "" },
        { Signatures.ComputeBase64(Body, ShopifySecret)[..^4], ShopifySecret },
        { "sha256=" + Signatures.ComputeBase64(Body, ShopifySecret), ShopifySecret },
    };

    [Theory]
    [MemberData(nameof(BadBase64))]
    public void Bad_base64_signature_fails_without_throwing(string? header, string? secret) =>
        Assert.False(Signatures.VerifyBase64HmacSha256(Body, header, secret));

    public static TheoryData<string?, string?> BadHex => new()
    {
        { null, ApiSecret },
        { "", ApiSecret },
        { "sha256=", ApiSecret },
        { Signatures.ComputeHex(Body, ApiSecret), ApiSecret },
        { "sha1=" + Signatures.ComputeHex(Body, ApiSecret), ApiSecret },
        { "sha256=" + Signatures.ComputeHex(Body, ApiSecret)[..62], ApiSecret },
        { "sha256=" + Signatures.ComputeHex(Body, ApiSecret) + "00", ApiSecret },
        { "sha256=" + new string('z', 64), ApiSecret },
        { "sha256=" + Signatures.ComputeBase64(Body, ApiSecret), ApiSecret },
        { "sha256=" + Signatures.ComputeHex(Body, "wrong-secret"), ApiSecret },
        { Signatures.ComputeHexHeader(Body, ApiSecret), null },
        { Signatures.ComputeHexHeader(Body, ApiSecret), "" },
    };

    [Theory]
    [MemberData(nameof(BadHex))]
    public void Bad_hex_signature_fails_without_throwing(string? header, string? secret) =>
        Assert.False(Signatures.VerifyHexHmacSha256(Body, header, secret));

    [Fact]
    public void Computing_without_a_secret_is_a_programming_error()
    {
        Assert.Throws<ArgumentException>(() => Signatures.ComputeBase64(Body, ""));
        Assert.Throws<ArgumentNullException>(() => Signatures.ComputeHex(Body, null!));
    }

    [Fact]
    public void Correctly_signed_requests_pass_all_three_intakes()
    {
        Assert.IsType<IntakeAccepted>(Shopify(Body, "orders/paid"));
        Assert.IsType<IntakeAccepted>(Woo(Payload("woocommerce-order-processing.json")));
        Assert.IsType<IntakeAccepted>(Api(Payload("generic-purchase.json")));
    }

    public static TheoryData<string> Intakes => new() { "shopify", "woocommerce", "api" };

    [Theory]
    [MemberData(nameof(Intakes))]
    public void Flipped_byte_is_refused(string intake)
    {
        var (body, headers, secret) = Signed(intake);
        var tampered = (byte[])body.Clone();
        tampered[tampered.Length / 2] ^= 0x01;

        Rejected(Run(intake, headers, tampered, secret), 401, ProblemTypes.InvalidSignature, SignatureHeader(intake));
    }

    [Theory]
    [MemberData(nameof(Intakes))]
    public void Wrong_secret_is_refused(string intake)
    {
        var (body, headers, _) = Signed(intake);

        Rejected(Run(intake, headers, body, "another-secret"), 401, ProblemTypes.InvalidSignature, SignatureHeader(intake));
    }

    [Theory]
    [MemberData(nameof(Intakes))]
    public void Missing_or_empty_secret_refuses_even_a_correct_signature(string intake)
    {
        var (body, headers, _) = Signed(intake);

        Rejected(Run(intake, headers, body, null), 401, ProblemTypes.InvalidSignature);
        Rejected(Run(intake, headers, body, ""), 401, ProblemTypes.InvalidSignature);
    }

    [Theory]
    [MemberData(nameof(Intakes))]
    public void Missing_signature_header_is_refused(string intake)
    {
        var (body, headers, secret) = Signed(intake);
        headers.Remove(SignatureHeader(intake));

        var rejected = Rejected(Run(intake, headers, body, secret), 401, ProblemTypes.InvalidSignature, SignatureHeader(intake));
        Assert.Contains("missing", rejected.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Intakes))]
    public void Garbage_signature_is_refused(string intake)
    {
        foreach (var garbage in new[] { "!!!", "sha256=xyz", "sha256=" + new string('a', 63), "c2hvcnQ=", "\u00e9\u00e9", "sha256=" + new string('0', 66) })
        {
            var (body, headers, secret) = Signed(intake);
            headers[SignatureHeader(intake)] = garbage;

            Rejected(Run(intake, headers, body, secret), 401, ProblemTypes.InvalidSignature);
        }
    }

    [Theory]
    [MemberData(nameof(Intakes))]
    public void Refusals_never_echo_the_secret_or_the_signature(string intake)
    {
        var (body, headers, secret) = Signed(intake);
        var rejected = Rejected(Run(intake, headers, body, secret + "x"), 401, ProblemTypes.InvalidSignature);

        Assert.DoesNotContain(secret, rejected.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain(headers[SignatureHeader(intake)], rejected.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Intakes))]
    public void Body_over_one_MiB_is_refused_before_anything_else(string intake)
    {
        var body = new byte[IntakeLimits.MaxBodyBytes + 1];
        body.AsSpan().Fill((byte)' ');

        var rejected = Rejected(Run(intake, Headers(), body, null), 413, ProblemTypes.PayloadTooLarge);
        Assert.Null(rejected.Field);
    }

    [Theory]
    [MemberData(nameof(Intakes))]
    public void Body_of_exactly_one_MiB_is_read(string intake)
    {
        var (signed, _, secret) = Signed(intake);
        var body = new byte[IntakeLimits.MaxBodyBytes];
        body.AsSpan().Fill((byte)' ');
        signed.CopyTo(body, 0);

        var result = Run(intake, Resign(intake, body), body, secret);

        Assert.True(result is IntakeAccepted or IntakeAcceptedByOrder, result.ToString());
    }

    internal static (byte[] Body, Dictionary<string, string> Headers, string Secret) Signed(string intake) => intake switch
    {
        "shopify" => (Body, ShopifyHeaders(Body, "orders/paid"), ShopifySecret),
        "woocommerce" => (Payload("woocommerce-order-processing.json"), WooHeaders(Payload("woocommerce-order-processing.json"), "order.updated"), WooSecret),
        _ => (Payload("generic-purchase.json"), ApiHeaders(Payload("generic-purchase.json")), ApiSecret),
    };

    internal static Dictionary<string, string> Resign(string intake, byte[] body) => intake switch
    {
        "shopify" => ShopifyHeaders(body, "orders/paid"),
        "woocommerce" => WooHeaders(body, "order.updated"),
        _ => ApiHeaders(body),
    };

    internal static IntakeResult Run(string intake, Dictionary<string, string> headers, byte[] body, string? secret) => intake switch
    {
        "shopify" => ShopifyIntake.Handle(headers, body, secret, ReceivedAt),
        "woocommerce" => WooCommerceIntake.Handle(headers, body, secret, ReceivedAt),
        _ => GenericApiIntake.Handle(headers, body, secret, ReceivedAt),
    };

    private static string SignatureHeader(string intake) => intake switch
    {
        "shopify" => ShopifyIntake.HmacHeader,
        "woocommerce" => WooCommerceIntake.SignatureHeader,
        _ => GenericApiIntake.SignatureHeader,
    };
}

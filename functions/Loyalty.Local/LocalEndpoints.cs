using Loyalty.App;
using Loyalty.App.Http;

namespace Loyalty.Local;

/// <summary>Maps every route of <see cref="HostContract.HttpRoutes"/> to its shared handler.</summary>
public static class LocalEndpoints
{
    /// <summary>Maps the API under <c>/api</c>.</summary>
    public static IEndpointRouteBuilder MapLoyaltyApi(this IEndpointRouteBuilder app)
    {
        foreach (var route in HostContract.HttpRoutes)
        {
            app.MapMethods($"/{HostContract.RoutePrefix}/{route.Template}", [route.Method], Handler(route.Name)).WithName(route.Name);
        }

        return app;
    }

    private static Delegate Handler(string name) => name switch
    {
        "ShopifyWebhook" => (HttpRequest r, WebhookHandlers h, CancellationToken ct) => h.ShopifyAsync(r, ct),
        "WooCommerceWebhook" => (HttpRequest r, WebhookHandlers h, CancellationToken ct) => h.WooCommerceAsync(r, ct),
        "IngestEvent" => (HttpRequest r, WebhookHandlers h, CancellationToken ct) => h.EventsAsync(r, ct),
        "GetProgram" => (ProgramHandlers h) => h.Get(),
        "GetMember" => (HttpRequest r, string memberId, MemberHandlers h, CancellationToken ct) => h.GetAsync(r, memberId, ct),
        "RedeemReward" => (HttpRequest r, string memberId, MemberHandlers h, CancellationToken ct) => h.RedeemAsync(r, memberId, ct),
        "AdjustPoints" => (HttpRequest r, string memberId, MemberHandlers h, CancellationToken ct) => h.AdjustAsync(r, memberId, ct),
        _ => throw new InvalidOperationException($"Route {name} has no local handler."),
    };
}

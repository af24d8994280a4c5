using Loyalty.App.Configuration;
using Loyalty.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Loyalty.App.Rewards;

/// <summary>Discounts in the shop: the due index, the dispatcher and the three channels, with their settings validated at start.</summary>
public static class RewardsRegistration
{
    /// <summary>Registers the rewards capability.</summary>
    public static IServiceCollection AddRewards(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ShopifyAdminOptions>().Bind(configuration.GetSection(ShopifyAdminOptions.Section)).ValidateOnStart();
        services.AddOptions<WooCommerceApiOptions>().Bind(configuration.GetSection(WooCommerceApiOptions.Section)).ValidateOnStart();
        services.AddOptions<RewardWebhookOptions>().Bind(configuration.GetSection(RewardWebhookOptions.Section)).ValidateOnStart();
        services.AddOptions<DiscountOptions>().Bind(configuration.GetSection(DiscountOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<DiscountOptions>>(sp => new ListValidator<DiscountOptions>(o => o.Validate(
            sp.GetRequiredService<IOptions<ShopifyAdminOptions>>().Value,
            sp.GetRequiredService<IOptions<WooCommerceApiOptions>>().Value,
            sp.GetRequiredService<IOptions<RewardWebhookOptions>>().Value)));
        services.AddSingleton<DiscountIndex>();
        services.AddSingleton<ShopifyDiscounts>();
        services.AddSingleton<WooCommerceCoupons>();
        services.AddSingleton<RewardWebhook>();
        services.AddSingleton<DiscountDispatcher>();
        return services;
    }
}

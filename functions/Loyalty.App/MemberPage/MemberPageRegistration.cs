using Loyalty.App.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Loyalty.App.MemberPage;

/// <summary>The member's own page: its link key validated at start, the link checker and the handlers.</summary>
public static class MemberPageRegistration
{
    /// <summary>Registers the member page capability.</summary>
    public static IServiceCollection AddMemberPage(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<MemberPageOptions>().Bind(configuration.GetSection(MemberPageOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<MemberPageOptions>>(new ListValidator<MemberPageOptions>(o => o.Validate()));
        services.AddSingleton<MemberPageLinks>();
        services.AddSingleton<ShopifyAppProxy>();
        services.AddSingleton<MemberPageHandlers>();
        return services;
    }
}

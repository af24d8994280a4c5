using Loyalty.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Loyalty.App.Configuration;

/// <summary>Reads the program when the host starts, so a bad program setting stops start-up with its name, not the first request.</summary>
internal sealed class ProgramValidation(IServiceProvider services) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        services.GetRequiredService<LoyaltyProgram>();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

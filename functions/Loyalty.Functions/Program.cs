using Loyalty.App.Configuration;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.Services.AddLoyalty(builder.Configuration);
builder.Services.AddHostedService<Loyalty.Functions.EnsureStorageCreated>();
builder.Build().Run();

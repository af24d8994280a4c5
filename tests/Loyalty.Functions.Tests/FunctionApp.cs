using System.Text;
using System.Text.Json.Nodes;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Loyalty.App;
using Loyalty.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Loyalty.Functions.Tests;

/// <summary>
/// The function app's services, built with <see cref="FunctionAppServices.AddLoyaltyFunctionApp"/> (what
/// Program.cs calls) on a test clock, and its function classes resolved the way the worker
/// activates them. HTTP functions get ASP.NET Core requests; the queue function gets messages
/// received from the real queue on Azurite, with the delivery count the host would pass.
/// </summary>
public sealed class FunctionApp : IAsyncDisposable
{
    public const string AdminKey = "functions-test-admin-key";
    public const string ShopifySecret = "functions-test-shopify-secret";

    private readonly IHost _host;

    private FunctionApp(IHost host, FakeTimeProvider clock, QueueClient events, QueueClient poison)
    {
        _host = host;
        Clock = clock;
        Events = events;
        Poison = poison;
        Http = ActivatorUtilities.CreateInstance<HttpFunctions>(host.Services);
        Queue = ActivatorUtilities.CreateInstance<QueueFunctions>(host.Services);
        Timers = ActivatorUtilities.CreateInstance<TimerFunctions>(host.Services);
    }

    public FakeTimeProvider Clock { get; }

    public HttpFunctions Http { get; }

    public QueueFunctions Queue { get; }

    public TimerFunctions Timers { get; }

    public QueueClient Events { get; }

    public QueueClient Poison { get; }

    /// <summary>The settings of a test run of the app against <paramref name="storage"/> (an Azurite of its own: every table and queue keeps its default name).</summary>
    public static Dictionary<string, string?> Settings(string storage) => new()
    {
        ["AzureWebJobsStorage"] = storage,
        ["Loyalty:AdminKey"] = AdminKey,
        ["Loyalty:Webhooks:ShopifySecret"] = ShopifySecret,
    };

    /// <summary>Builds the app's host exactly as Program.cs registers it, and starts it (settings validated, storage created).</summary>
    public static async Task<FunctionApp> StartAsync(IReadOnlyDictionary<string, string?> settings, DateTimeOffset now)
    {
        var host = Build(settings, out var clock);
        await host.StartAsync();
        var storage = settings["AzureWebJobsStorage"]!;
        var queue = host.Services.GetRequiredService<IOptions<StorageOptions>>().Value.EventsQueue;
        return new FunctionApp(host, clock, new QueueClient(storage, queue), new QueueClient(storage, HostContract.PoisonQueueOf(queue)));

        IHost Build(IReadOnlyDictionary<string, string?> values, out FakeTimeProvider fake)
        {
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
            builder.Configuration.AddInMemoryCollection(values);
            fake = new FakeTimeProvider(now);
            builder.Services.AddSingleton<TimeProvider>(fake);
            builder.Services.AddLogging();
            builder.Services.AddLoyaltyFunctionApp(builder.Configuration);
            return builder.Build();
        }
    }

    /// <summary>Builds and starts the app's host and returns the error it stops with (null when it starts).</summary>
    public static async Task<Exception?> StartErrorAsync(IReadOnlyDictionary<string, string?> settings)
    {
        try
        {
            await using var app = await StartAsync(settings, DateTimeOffset.UtcNow);
            return null;
        }
#pragma warning disable CA1031 // The test asserts on whatever start-up throws.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return ex;
        }
    }

    /// <summary>An ASP.NET Core request as the worker's HTTP integration hands it to a function.</summary>
    public HttpRequest Request(string method, string path, string? body = null, IReadOnlyDictionary<string, string>? headers = null)
    {
        var context = new DefaultHttpContext { RequestServices = _host.Services };
        context.Request.Method = method;
        context.Request.Scheme = "https";
        context.Request.Host = new HostString("loyalty-test.azurewebsites.net");
        var query = path.IndexOf('?', StringComparison.Ordinal);
        context.Request.Path = query < 0 ? path : path[..query];
        context.Request.QueryString = query < 0 ? QueryString.Empty : new QueryString(path[query..]);
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            context.Request.Headers[name] = value;
        }

        var bytes = Encoding.UTF8.GetBytes(body ?? string.Empty);
        context.Request.Body = new MemoryStream(bytes);
        context.Request.ContentLength = bytes.Length;
        if (body is not null)
        {
            context.Request.ContentType = "application/json";
        }

        context.Response.Body = new MemoryStream();
        return context.Request;
    }

    /// <summary>A request carrying the admin key.</summary>
    public HttpRequest AdminRequest(string method, string path, string? body = null) =>
        Request(method, path, body, new Dictionary<string, string> { ["x-functions-key"] = AdminKey });

    /// <summary>Runs an HTTP function's result into its response, as the worker does, and reads it back.</summary>
    public static async Task<(int Status, JsonNode? Body)> RespondAsync(HttpRequest request, IResult result)
    {
        var context = request.HttpContext;
        await result.ExecuteAsync(context);
        context.Response.Body.Position = 0;
        var text = await new StreamReader(context.Response.Body).ReadToEndAsync();
        return (context.Response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    /// <summary>Receives the next message of the events queue as the host's trigger would see it.</summary>
    public async Task<(QueueMessage Message, string Receipt)?> ReceiveAsync(long? dequeueCount = null, TimeSpan? visibility = null)
    {
        var received = (await Events.ReceiveMessageAsync(visibility ?? TimeSpan.FromMinutes(1))).Value;
        if (received is null)
        {
            return null;
        }

        var message = QueuesModelFactory.QueueMessage(received.MessageId, received.PopReceipt, received.MessageText, dequeueCount ?? received.DequeueCount, insertedOn: received.InsertedOn, expiresOn: received.ExpiresOn);
        return (message, received.PopReceipt);
    }

    /// <summary>Feeds every waiting message to <c>ProcessEvent</c> and deletes it when the function returns, as the host does.</summary>
    public async Task<int> DrainAsync()
    {
        var handled = 0;
        while (await ReceiveAsync() is { } next)
        {
            await Queue.ProcessEvent(next.Message, CancellationToken.None);
            await Events.DeleteMessageAsync(next.Message.MessageId, next.Receipt);
            handled++;
        }

        return handled;
    }

    /// <summary>A member through <c>GetMember</c>.</summary>
    public async Task<JsonObject> MemberAsync(string memberId)
    {
        var request = AdminRequest("GET", $"/api/members/{memberId}?pageSize=100");
        var (status, body) = await RespondAsync(request, await Http.GetMember(request, memberId, CancellationToken.None));
        Assert.True(status == 200, $"GetMember answered {status}: {body?.ToJsonString()}");
        return body!.AsObject();
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}

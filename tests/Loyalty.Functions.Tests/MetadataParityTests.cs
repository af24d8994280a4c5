using System.Text.Json.Nodes;
using Loyalty.App;
using Loyalty.App.Configuration;
using Loyalty.App.Jobs;
using Loyalty.Testing;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Loyalty.Functions.Tests;

/// <summary>
/// The function app's generated <c>functions.metadata</c>, which is what the Functions host reads
/// to index the app, held against <see cref="HostContract"/>, the table the local host maps from.
/// </summary>
public sealed class MetadataParityTests
{
    private static readonly Lazy<IReadOnlyList<JsonObject>> Metadata = new(() =>
    {
        var path = Path.Combine(FunctionAppPaths.Output, "functions.metadata");
        Assert.True(File.Exists(path), $"The worker SDK wrote no functions.metadata at {path}: is Loyalty.Functions built?");
        return JsonNode.Parse(File.ReadAllText(path))!.AsArray().Select(f => f!.AsObject()).ToList();
    });

    private static JsonObject Function(string name)
    {
        var matches = Metadata.Value.Where(f => (string?)f["name"] == name).ToList();
        Assert.True(matches.Count == 1, $"functions.metadata has {matches.Count} functions named {name}.");
        var function = matches[0];
        Assert.Equal("Loyalty.Functions.dll", (string?)function["scriptFile"]);
        Assert.Equal("dotnet-isolated", (string?)function["language"]);
        return function;
    }

    private static JsonObject Trigger(JsonObject function, string type)
    {
        var inputs = function["bindings"]!.AsArray().Select(b => b!.AsObject()).Where(b => (string?)b["direction"] == "In").ToList();
        var trigger = Assert.Single(inputs);
        Assert.Equal(type, (string?)trigger["type"]);
        return trigger;
    }

    private static string HostRoutePrefix() =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "host.json")))!["extensions"]!["http"]!["routePrefix"]!.GetValue<string>();

    private static string Join(string prefix, string route) => string.Join('/', new[] { prefix, route }.Where(p => p.Length > 0));

    [Fact]
    public void The_metadata_lists_exactly_the_functions_of_the_host_contract()
    {
        var expected = HostContract.HttpRoutes.Select(r => r.Name)
            .Concat(HostContract.ConsoleRoutes.Select(r => r.Name))
            .Concat(HostContract.Queues.Select(q => q.Name))
            .Concat(HostContract.Timers.Select(t => t.Name))
            .Order(StringComparer.Ordinal);

        Assert.Equal(expected, Metadata.Value.Select(f => (string)f["name"]!).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Every_http_route_is_an_anonymous_http_trigger_with_the_same_method_and_full_path()
    {
        var hostPrefix = HostRoutePrefix();
        foreach (var route in HostContract.HttpRoutes)
        {
            var function = Function(route.Name);
            Assert.Equal($"Loyalty.Functions.HttpFunctions.{route.Name}", (string?)function["entryPoint"]);
            var trigger = Trigger(function, "httpTrigger");
            Assert.Equal([route.Method.ToLowerInvariant()], trigger["methods"]!.AsArray().Select(m => ((string)m!).ToLowerInvariant()));
            Assert.Equal(Join(HostContract.RoutePrefix, route.Template), Join(hostPrefix, (string)trigger["route"]!));

            // The handlers check signatures and keys themselves; a function key would lock out the shops.
            Assert.Equal("Anonymous", (string?)trigger["authLevel"]);
            Assert.Contains(function["bindings"]!.AsArray(), b => (string?)b!["type"] == "http" && (string?)b["direction"] == "Out");
        }
    }

    [Fact]
    public void Every_console_route_is_an_anonymous_http_trigger_with_the_same_method_and_full_path()
    {
        var hostPrefix = HostRoutePrefix();
        foreach (var route in HostContract.ConsoleRoutes)
        {
            var function = Function(route.Name);
            Assert.Equal($"Loyalty.Functions.ConsoleFunctions.{route.Name}", (string?)function["entryPoint"]);
            var trigger = Trigger(function, "httpTrigger");
            Assert.Equal([route.Method.ToLowerInvariant()], trigger["methods"]!.AsArray().Select(m => ((string)m!).ToLowerInvariant()));
            Assert.Equal(route.Template, Join(hostPrefix, (string)trigger["route"]!));
            Assert.Equal("Anonymous", (string?)trigger["authLevel"]);
        }
    }

    [Fact]
    public void No_route_begins_with_a_prefix_the_functions_host_reserves()
    {
        var hostPrefix = HostRoutePrefix();
        foreach (var function in Metadata.Value.Where(f => f["bindings"]!.AsArray().Any(b => (string?)b!["type"] == "httpTrigger")))
        {
            var route = Join(hostPrefix, (string)Trigger(function, "httpTrigger")["route"]!).Trim('/');
            Assert.False(
                route.StartsWith("admin", StringComparison.OrdinalIgnoreCase) || route.StartsWith("runtime", StringComparison.OrdinalIgnoreCase),
                $"{function["name"]}: route '{route}' is reserved by the Functions host");
        }
    }

    [Fact]
    public void Every_queue_is_a_queue_trigger_on_its_setting()
    {
        foreach (var queue in HostContract.Queues)
        {
            var function = Function(queue.Name);
            Assert.Equal($"Loyalty.Functions.QueueFunctions.{queue.Name}", (string?)function["entryPoint"]);
            Assert.Equal($"%{queue.QueueSetting}%", (string?)Trigger(function, "queueTrigger")["queueName"]);
        }
    }

    [Fact]
    public void Every_timer_is_a_timer_trigger_on_its_schedule_setting_and_never_runs_on_start_up()
    {
        foreach (var timer in HostContract.Timers)
        {
            var function = Function(timer.Name);
            Assert.Equal($"Loyalty.Functions.TimerFunctions.{timer.Name}", (string?)function["entryPoint"]);
            var trigger = Trigger(function, "timerTrigger");
            Assert.Equal($"%{timer.ScheduleSetting}%", (string?)trigger["schedule"]);

            // RunOnStartup would run every job at each cold start and scale-out.
            var runOnStartup = trigger["runOnStartup"];
            Assert.True(runOnStartup is null || !runOnStartup.GetValue<bool>(), $"{timer.Name} runs on start-up");
            Assert.Equal(timer.Name, typeof(ScheduledJobs).GetField(timer.Name)?.GetRawConstantValue());
        }
    }

    [Fact]
    public void Each_function_body_is_one_call_into_a_shared_handler()
    {
        // What the metadata cannot show: that a function stays thin. Bodies of at most two
        // statements (a call, and for the queue a throw that hands a retry back to the host).
        var bodies = Directory.EnumerateFiles(FunctionAppPaths.Source, "*.cs")
            .SelectMany(file => CSharpSyntaxTree.ParseText(File.ReadAllText(file)).GetRoot().DescendantNodes().OfType<MethodDeclarationSyntax>())
            .Where(m => m.AttributeLists.SelectMany(l => l.Attributes).Any(a => a.Name.ToString() == "Function"))
            .ToDictionary(m => m.Identifier.Text, m => m.Body?.Statements.Count ?? 1);

        Assert.Equal(Metadata.Value.Count, bodies.Count);
        Assert.All(bodies, b => Assert.True(b.Value <= 2, $"{b.Key} has {b.Value} statements; call a shared handler instead."));
    }

    [Fact]
    public void The_build_output_carries_what_the_functions_host_needs()
    {
        foreach (var file in new[] { "functions.metadata", "worker.config.json", "extensions.json", "host.json", "Loyalty.Functions.dll" })
        {
            Assert.True(File.Exists(Path.Combine(FunctionAppPaths.Output, file)), $"{file} is missing from the function app's output");
        }

        var worker = JsonNode.Parse(File.ReadAllText(Path.Combine(FunctionAppPaths.Output, "worker.config.json")))!["description"]!;
        Assert.Equal("dotnet-isolated", (string?)worker["language"]);
        Assert.Equal("Loyalty.Functions.dll", (string?)worker["defaultWorkerPath"]);

        // The host loads the queue and timer bindings from the extension bundle the SDK restored.
        var extensions = JsonNode.Parse(File.ReadAllText(Path.Combine(FunctionAppPaths.Output, "extensions.json")))!["extensions"]!.AsArray();
        Assert.Contains(extensions, e => ((string?)e!["name"])?.Contains("AzureStorageQueues", StringComparison.OrdinalIgnoreCase) == true);
    }

    [Fact]
    public void Host_json_matches_the_encoding_and_attempts_the_handlers_assume()
    {
        var host = JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "host.json")))!;

        // The service writes plain JSON messages (QueueMessageEncoding.None).
        Assert.Equal("none", host["extensions"]!["queues"]!["messageEncoding"]!.GetValue<string>());
        Assert.Equal(new ProcessingOptions().MaxAttempts, host["extensions"]!["queues"]!["maxDequeueCount"]!.GetValue<int>());
    }

    [Fact]
    public void Local_settings_sample_sets_the_worker_runtime_storage_queues_and_every_secret()
    {
        var values = JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "local.settings.sample.json")))!["Values"]!.AsObject();

        Assert.Equal("dotnet-isolated", values["FUNCTIONS_WORKER_RUNTIME"]!.GetValue<string>());
        Assert.Equal("UseDevelopmentStorage=true", values["AzureWebJobsStorage"]!.GetValue<string>());
        foreach (var key in new[]
        {
            HostContract.EventsQueueSetting, "Loyalty__AdminKey",
            "Loyalty__Webhooks__ShopifySecret", "Loyalty__Webhooks__WooCommerceSecret", "Loyalty__Api__SigningSecret",
        })
        {
            Assert.True(values.ContainsKey(key), $"local.settings.sample.json lacks {key}");
        }
    }
}

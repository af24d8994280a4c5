using System.Text.Json.Nodes;
using Loyalty.App;
using Loyalty.App.Configuration;
using Loyalty.App.Jobs;
using Loyalty.Testing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Loyalty.EndToEnd.Tests;

/// <summary>
/// The function app cannot be compiled here, so its source is read with Roslyn's syntax API
/// and held against the route table the local host maps from.
/// </summary>
public sealed class ParityTests
{
    private static readonly string FunctionsDir = Path.Combine(RepoPaths.Root, "functions", "Loyalty.Functions");

    // Queue holds the queue setting of a queue trigger, or the schedule setting of a timer.
    private sealed record FunctionInfo(string Name, string Trigger, string? Method, string? Route, string? Queue, int BodyStatements);

    private static List<FunctionInfo> ReadFunctions()
    {
        var functions = new List<FunctionInfo>();
        foreach (var file in Directory.EnumerateFiles(FunctionsDir, "*.cs", SearchOption.AllDirectories).Where(f => !f.Contains("/obj/", StringComparison.Ordinal) && !f.Contains("/bin/", StringComparison.Ordinal)))
        {
            var root = CSharpSyntaxTree.ParseText(File.ReadAllText(file)).GetRoot();
            foreach (var method in root.DescendantNodes().OfType<MethodDeclarationSyntax>())
            {
                var function = method.AttributeLists.SelectMany(l => l.Attributes).FirstOrDefault(a => a.Name.ToString() is "Function" or "FunctionAttribute");
                if (function is null)
                {
                    continue;
                }

                var name = Literal(function.ArgumentList!.Arguments[0].Expression);
                var statements = method.Body?.Statements.Count ?? 1;
                var triggers = method.ParameterList.Parameters.SelectMany(p => p.AttributeLists.SelectMany(l => l.Attributes)).ToList();
                var http = triggers.FirstOrDefault(a => a.Name.ToString() == "HttpTrigger");
                var queue = triggers.FirstOrDefault(a => a.Name.ToString() == "QueueTrigger");
                var timer = triggers.FirstOrDefault(a => a.Name.ToString() == "TimerTrigger");
                if (http is not null)
                {
                    var args = http.ArgumentList!.Arguments;
                    var methods = args.Where(a => a.NameEquals is null && a.Expression is LiteralExpressionSyntax).Select(a => Literal(a.Expression).ToUpperInvariant()).ToList();
                    var route = args.Single(a => a.NameEquals?.Name.Identifier.Text == "Route").Expression;
                    Assert.Single(methods);
                    functions.Add(new FunctionInfo(name, "http", methods[0], Literal(route), null, statements));
                }
                else if (queue is not null)
                {
                    functions.Add(new FunctionInfo(name, "queue", null, null, Literal(queue.ArgumentList!.Arguments[0].Expression), statements));
                }
                else if (timer is not null)
                {
                    // RunOnStartup would run every job at each cold start; it must stay off (the default).
                    Assert.DoesNotContain(timer.ArgumentList!.Arguments, a => a.NameEquals?.Name.Identifier.Text == "RunOnStartup");
                    functions.Add(new FunctionInfo(name, "timer", null, null, Literal(timer.ArgumentList!.Arguments[0].Expression), statements));
                }
                else
                {
                    functions.Add(new FunctionInfo(name, "other", null, null, null, statements));
                }
            }
        }

        return functions;
    }

    private static string Literal(ExpressionSyntax expression) => expression switch
    {
        LiteralExpressionSyntax literal => literal.Token.ValueText,
        InvocationExpressionSyntax { Expression: IdentifierNameSyntax { Identifier.Text: "nameof" } } nameOf => nameOf.ArgumentList.Arguments[0].Expression.ToString().Split('.')[^1],

        // ScheduledJobs' constants are nameof their own names (checked below), so the name is the value.
        MemberAccessExpressionSyntax { Expression: IdentifierNameSyntax { Identifier.Text: "ScheduledJobs" } } member => member.Name.Identifier.Text,
        _ => throw new InvalidOperationException($"Expected a literal, found '{expression}'."),
    };

    private static string HostRoutePrefix() =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "host.json")))!["extensions"]!["http"]!["routePrefix"]!.GetValue<string>();

    private static string Join(string prefix, string route) => string.Join('/', new[] { prefix, route }.Where(p => p.Length > 0));

    [Fact]
    public void Every_http_route_of_the_local_host_is_a_function_with_the_same_method_and_path()
    {
        var http = ReadFunctions().Where(f => f.Trigger == "http").ToDictionary(f => f.Name);
        var hostPrefix = HostRoutePrefix();

        Assert.Equal(HostContract.HttpRoutes.Select(r => r.Name).Order(), http.Keys.Order());
        foreach (var route in HostContract.HttpRoutes)
        {
            Assert.Equal(route.Method, http[route.Name].Method);
            Assert.Equal(Join(HostContract.RoutePrefix, route.Template), Join(hostPrefix, http[route.Name].Route!));
        }
    }

    [Fact]
    public void No_function_route_collides_with_the_routes_the_functions_host_reserves()
    {
        // The host refuses, at start, a function whose route begins with admin or runtime.
        foreach (var function in ReadFunctions().Where(f => f.Trigger == "http"))
        {
            var route = function.Route!.Trim('/');
            Assert.False(
                route.StartsWith("admin", StringComparison.OrdinalIgnoreCase) || route.StartsWith("runtime", StringComparison.OrdinalIgnoreCase),
                $"{function.Name}: route '{route}' is reserved by the Functions host");
        }
    }

    [Fact]
    public void Every_queue_of_the_local_host_is_a_queue_trigger_on_the_same_setting()
    {
        var queues = ReadFunctions().Where(f => f.Trigger == "queue").ToDictionary(f => f.Name, f => f.Queue);

        Assert.Equal(HostContract.Queues.Select(q => q.Name).Order(), queues.Keys.Order());
        foreach (var queue in HostContract.Queues)
        {
            Assert.Equal($"%{queue.QueueSetting}%", queues[queue.Name]);
        }
    }

    [Fact]
    public void Every_timer_of_the_local_host_is_a_timer_trigger_on_its_schedule_setting()
    {
        var timers = ReadFunctions().Where(f => f.Trigger == "timer").ToDictionary(f => f.Name, f => f.Queue);

        Assert.Equal(HostContract.Timers.Select(t => t.Name).Order(), timers.Keys.Order());
        foreach (var timer in HostContract.Timers)
        {
            Assert.Equal($"%{timer.ScheduleSetting}%", timers[timer.Name]);
            Assert.Equal(timer.Name, typeof(ScheduledJobs).GetField(timer.Name)?.GetRawConstantValue());
        }
    }

    [Fact]
    public void The_function_app_has_no_trigger_the_local_host_lacks_and_each_body_stays_thin()
    {
        var functions = ReadFunctions();

        Assert.DoesNotContain(functions, f => f.Trigger == "other");
        Assert.All(functions, f => Assert.True(f.BodyStatements <= 2, $"{f.Name} has {f.BodyStatements} statements; call a shared handler instead."));
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

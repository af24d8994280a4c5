using System.Text.Json.Nodes;
using Loyalty.Testing;

namespace Loyalty.Infra.Tests;

/// <summary>The <c>Values</c> of <c>local.settings.sample.json</c>, as the function app sees them.</summary>
internal static class LocalSample
{
    /// <summary>Setting name to value.</summary>
    public static IReadOnlyDictionary<string, string> Values { get; } = Read();

    private static Dictionary<string, string> Read()
    {
        var root = JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "local.settings.sample.json")))!;
        return root["Values"]!.AsObject().ToDictionary(p => p.Key, p => p.Value?.GetValue<string>() ?? string.Empty, StringComparer.Ordinal);
    }
}

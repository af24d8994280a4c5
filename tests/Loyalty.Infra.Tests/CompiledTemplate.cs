using System.Diagnostics;
using System.Reflection;
using System.Text.Json.Nodes;
using Loyalty.Testing;
using Xunit;

namespace Loyalty.Infra.Tests;

/// <summary>
/// infra/main.bicep compiled once per test run with the Bicep CLI the restore brought
/// (infra/tools/Bicep.props), and the resources of the ARM template it compiles to, nested
/// module deployments included.
/// </summary>
/// <remarks>
/// The compiled template keeps ARM expressions (<c>[format(...)]</c>, <c>[parameters(...)]</c>)
/// for every value known only at deployment, so the tests check structure and literal values,
/// and the text of an expression where that is what matters (a Key Vault reference is the
/// expression <c>[format('@Microsoft.KeyVault(SecretUri={0})', ...)]</c>).
/// </remarks>
internal static class CompiledTemplate
{
    private static readonly Lazy<(JsonObject Root, string Text)> Compiled = new(Compile);

    /// <summary>The whole template.</summary>
    public static JsonObject Root => Compiled.Value.Root;

    /// <summary>The template as text.</summary>
    public static string Text => Compiled.Value.Text;

    /// <summary>Every resource, those of nested module deployments included.</summary>
    public static IReadOnlyList<JsonObject> Resources => [.. ResourcesOf(Root)];

    /// <summary>The resources of one type.</summary>
    public static IReadOnlyList<JsonObject> OfType(string type) =>
        [.. Resources.Where(r => string.Equals(Str(r["type"]), type, StringComparison.OrdinalIgnoreCase))];

    /// <summary>The one resource of a type; fails when there is none or more than one.</summary>
    public static JsonObject Single(string type)
    {
        var found = OfType(type);
        Assert.True(found.Count == 1, $"expected one {type} in the template, found {found.Count}");
        return found[0];
    }

    /// <summary>The function app's app settings (the <c>appsettings</c> config resource), name to value.</summary>
    public static JsonObject AppSettings
    {
        get
        {
            var configs = OfType("Microsoft.Web/sites/config").Where(r => Str(r["name"])?.Contains("appsettings", StringComparison.Ordinal) == true).ToList();
            Assert.True(configs.Count == 1, $"expected one appsettings config resource, found {configs.Count}");
            return configs[0]["properties"]!.AsObject();
        }
    }

    /// <summary>The nested template of a module deployment, by the module's name.</summary>
    public static JsonObject Module(string name)
    {
        var deployment = OfType("Microsoft.Resources/deployments").Single(d => Str(d["name"]) == name);
        return deployment["properties"]!["template"]!.AsObject();
    }

    /// <summary>A string value, or null when the node is missing or not a string.</summary>
    public static string? Str(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<string>(out var s) ? s : null;

    /// <summary>A boolean value, or null when the node is missing or not a boolean.</summary>
    public static bool? Bool(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<bool>(out var b) ? b : null;

    private static IEnumerable<JsonObject> ResourcesOf(JsonObject template)
    {
        foreach (var node in template["resources"]?.AsArray() ?? [])
        {
            var resource = node!.AsObject();
            yield return resource;
            if (resource["properties"]?["template"] is JsonObject nested)
            {
                foreach (var inner in ResourcesOf(nested))
                {
                    yield return inner;
                }
            }
        }
    }

    private static (JsonObject, string) Compile()
    {
        var bicep = FindBicep();
        var output = Path.Combine(Path.GetTempPath(), "loyalty-infra-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(output);
        try
        {
            var outFile = Path.Combine(output, "main.json");
            var start = new ProcessStartInfo(bicep)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var arg in new[] { "build", Path.Combine(RepoPaths.Root, "infra", "main.bicep"), "--outfile", outFile })
            {
                start.ArgumentList.Add(arg);
            }

            using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start " + bicep);
            var stderr = process.StandardError.ReadToEndAsync();
            var stdout = process.StandardOutput.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromMinutes(3)))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException("bicep build did not finish within 3 minutes");
            }

            if (process.ExitCode != 0 || !File.Exists(outFile))
            {
                throw new InvalidOperationException($"bicep build infra/main.bicep failed ({process.ExitCode}):\n{stdout.Result}\n{stderr.Result}");
            }

            var text = File.ReadAllText(outFile);
            return (JsonNode.Parse(text)!.AsObject(), text);
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }

    private static string FindBicep()
    {
        var metadata = typeof(CompiledTemplate).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .ToDictionary(a => a.Key, a => a.Value ?? string.Empty, StringComparer.Ordinal);
        var package = metadata["BicepCliPackage"].ToLowerInvariant();
        var version = metadata["BicepCliVersion"];
        string?[] roots =
        [
            metadata["NuGetPackageRoot"],
            Environment.GetEnvironmentVariable("NUGET_PACKAGES"),
            Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages"),
        ];
        var tried = new List<string>();
        foreach (var root in roots.Where(r => !string.IsNullOrWhiteSpace(r)))
        {
            var candidate = Path.Combine(root!, package, version, "tools", OperatingSystem.IsWindows() ? "bicep.exe" : "bicep");
            if (File.Exists(candidate))
            {
                return candidate;
            }

            tried.Add(candidate);
        }

        throw new InvalidOperationException(
            $"The Bicep CLI ({package} {version}) is not in the NuGet packages folder (looked for {string.Join(", ", tried)}). " +
            "Restore it with 'dotnet restore Loyalty.sln' or 'bash scripts/check-infra.sh'.");
    }
}

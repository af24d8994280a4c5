using Loyalty.Testing;

namespace Loyalty.Functions.Tests;

/// <summary>Where the function app's own build put what the Functions host reads.</summary>
internal static class FunctionAppPaths
{
    /// <summary>The function app's source folder.</summary>
    public static string Source { get; } = Path.Combine(RepoPaths.Root, "functions", "Loyalty.Functions");

    /// <summary>The function app's build output of the same configuration as these tests.</summary>
    public static string Output
    {
        get
        {
            var tfm = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            return Path.Combine(Source, "bin", tfm.Parent!.Name, tfm.Name);
        }
    }
}

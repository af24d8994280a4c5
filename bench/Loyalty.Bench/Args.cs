using System.Globalization;

namespace Loyalty.Bench;

/// <summary>The options of the benchmark modes: <c>--name value</c>.</summary>
internal static class Args
{
    public static int Int(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], NumberStyles.Integer, CultureInfo.InvariantCulture) : fallback;
    }

    public static List<int> IntList(string[] args, string name, List<int> fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length
            ? [.. args[i + 1].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(v => int.Parse(v, NumberStyles.Integer, CultureInfo.InvariantCulture))]
            : fallback;
    }
}

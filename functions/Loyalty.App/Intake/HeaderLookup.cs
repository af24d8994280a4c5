namespace Loyalty.App.Intake;

/// <summary>Reads a header whatever the comparer of the dictionary it came in.</summary>
internal static class HeaderLookup
{
    /// <summary>The trimmed value of <paramref name="name"/>, or null when absent or blank.</summary>
    public static string? Get(IReadOnlyDictionary<string, string> headers, string name)
    {
        ArgumentNullException.ThrowIfNull(headers);
        if (!headers.TryGetValue(name, out var value))
        {
            value = headers.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value;
        }

        return string.IsNullOrWhiteSpace(value) ? null : value.Trim();
    }
}

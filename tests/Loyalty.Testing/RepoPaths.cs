namespace Loyalty.Testing;

/// <summary>Paths in the repository, found from the test's working directory.</summary>
public static class RepoPaths
{
    /// <summary>The repository root (the folder holding Loyalty.sln).</summary>
    public static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Loyalty.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Loyalty.sln not found above " + AppContext.BaseDirectory);
    }
}

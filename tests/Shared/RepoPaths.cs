namespace NatPolicy.Tests.Shared;

/// <summary>Shared by the test projects that read the reference files (linked, not copied). Locates the repository (the folder holding NatPolicy.sln) and the Gymnasium reference recordings under data/gymnasium-reference.</summary>
internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string ReferenceDir => Path.GetFullPath(Path.Combine(Root, "data", "gymnasium-reference"));

    public static string ReferenceFile(string envId) => Path.Combine(ReferenceDir, envId + ".json");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "NatPolicy.sln"))) return dir.FullName;
        throw new InvalidOperationException($"NatPolicy.sln not found above {AppContext.BaseDirectory}");
    }
}

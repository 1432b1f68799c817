namespace OrtAdapter.Build.Tests;

/// <summary>Finds files of the repository from the test's bin folder.</summary>
static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string Graphs(params string[] parts) => Path.Combine([Root, "graphs", .. parts]);

    static string FindRoot()
    {
        for (var dir = new DirectoryInfo(OrtAdapter.Tests.Shared.RepoRootLocator.SearchStart); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "OrtAdapter.sln"))) return dir.FullName;
        throw new InvalidOperationException($"No OrtAdapter.sln above {AppContext.BaseDirectory}.");
    }
}

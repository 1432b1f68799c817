using System.Reflection;

namespace OrtAdapter.Tests.Shared;

/// <summary>Where to start looking for OrtAdapter.sln: the test binaries' folder, or the repo recorded at build time.</summary>
static class RepoRootLocator
{
    public static string SearchStart { get; } = Find();

    static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "OrtAdapter.sln"))) return AppContext.BaseDirectory;
        var recorded = Assembly.GetExecutingAssembly().GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "RepoRoot")?.Value;
        return recorded ?? AppContext.BaseDirectory;
    }
}

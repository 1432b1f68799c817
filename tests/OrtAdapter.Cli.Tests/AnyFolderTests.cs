namespace OrtAdapter.Cli.Tests;

/// <summary>
/// Outside a clone of the repository (as an installed tool is used), the defaults come from the copies shipped beside
/// the executable, seeded into the user cache; nothing is read from or written to the working folder but the run.
/// </summary>
[TestClass]
public sealed class AnyFolderTests
{
    [TestMethod]
    public void TrainRunsFromAFolderOutsideTheRepositoryWithTheBundledDefaults()
    {
        using var dir = new TempFolder();
        var d = dir.Path;
        File.WriteAllLines(Path.Combine(d, "small.jsonl"), File.ReadLines(Path.Combine(CliProcess.RepoRoot, "data", "sentiment-uci", "train.jsonl")).Take(32));
        var cache = Path.Combine(d, "cache");

        var r = CliProcess.Run(d, TimeSpan.FromMinutes(5), new Dictionary<string, string> { ["XDG_CACHE_HOME"] = cache },
            "train", "--train", "small.jsonl", "--epochs", "1", "--batch-size", "16", "--max-length", "24", "--no-export", "--run", "run");

        Assert.AreEqual(0, r.ExitCode, r.ToString());
        StringAssert.Contains(r.Stderr + r.Stdout, "300 dev / 300 test examples", "the bundled dev and test splits");
        var workspace = Path.Combine(cache, "ortadapter");
        Assert.IsTrue(File.Exists(Path.Combine(workspace, "data", "sentiment-uci", "dev.jsonl")));
        Assert.IsTrue(File.Exists(Path.Combine(workspace, "graphs", "all-minilm-l6-v2", "default", "frozen_weights.bin")));
        Assert.IsTrue(File.Exists(Path.Combine(workspace, "artifacts", "models", "all-minilm-l6-v2", "model.onnx")));
        CollectionAssert.AreEquivalent(new[] { "cache", "run", "small.jsonl" }, Directory.GetFileSystemEntries(d).Select(Path.GetFileName).ToArray());
    }
}

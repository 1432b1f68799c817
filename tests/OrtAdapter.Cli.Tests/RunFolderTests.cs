namespace OrtAdapter.Cli.Tests;

[TestClass]
public sealed class RunFolderTests
{
    [TestMethod]
    public void TwoRunsStartedTogetherGetTheirOwnFolders()
    {
        using var dir = new TempFolder();
        var d = dir.Path;
        var data = Path.Combine(CliProcess.RepoRoot, "data", "sentiment-uci");
        File.WriteAllLines(Path.Combine(d, "train.jsonl"), File.ReadLines(Path.Combine(data, "train.jsonl")).Take(16));
        string[] args =
        [
            "train", "--artifacts", Path.Combine(CliProcess.RepoRoot, "graphs", "bert-mini-uncased", "default"),
            "--train", "train.jsonl", "--dev", "train.jsonl", "--test", "train.jsonl",
            "--epochs", "1", "--batch-size", "8", "--max-length", "16", "--threads", "1", "--no-export",
        ];
        using var a = CliProcess.Start(d, args);
        using var b = CliProcess.Start(d, args);
        var outputs = new[] { a, b }.Select(p => (Out: p.StandardOutput.ReadToEndAsync(), Err: p.StandardError.ReadToEndAsync(), Process: p)).ToList();
        foreach (var o in outputs)
        {
            Assert.IsTrue(o.Process.WaitForExit(TimeSpan.FromMinutes(2)), "train did not finish");
            Assert.AreEqual(0, o.Process.ExitCode, o.Err.Result);
        }

        var runs = Directory.GetDirectories(Path.Combine(d, "runs"));
        Assert.HasCount(2, runs, "one folder per run");
        foreach (var run in runs) Assert.IsTrue(File.Exists(Path.Combine(run, "summary.json")), $"{run} holds a whole run");
    }
}

using System.Text.Json.Nodes;

namespace OrtAdapter.Cli.Tests;

/// <summary>
/// A loss input read from the data is named on the command line by the graph input it feeds (--input-column
/// INPUT=COLUMN); --teacher-column is its shorthand for teacher_logits, and both train the same run.
/// </summary>
[TestClass]
public sealed class DataInputTests
{
    [TestMethod]
    public void InputColumnAndItsShorthandFeedTheSameTeacher()
    {
        using var dir = new TempFolder();
        var d = dir.Path;
        var rows = File.ReadLines(Path.Combine(CliProcess.RepoRoot, "data", "sentiment-uci", "train.jsonl")).Take(32).Select(line =>
        {
            var row = JsonNode.Parse(line)!.AsObject();
            row["teacher"] = (string)row["label"]! == "positive" ? new JsonArray(-2, 2) : new JsonArray(2, -2);
            return row.ToJsonString();
        });
        File.WriteAllLines(Path.Combine(d, "teach.jsonl"), rows);
        var bertMini = Path.Combine(CliProcess.RepoRoot, "graphs", "bert-mini-uncased", "model_opset17.onnx");
        // Outside a clone: anything the tool caches goes under this test's folder.
        var cache = new Dictionary<string, string> { ["XDG_CACHE_HOME"] = Path.Combine(d, "cache") };
        var build = CliProcess.Run(d, TimeSpan.FromMinutes(2), cache, "build", "--base", bertMini, "--loss", "0.5*ce+0.5*kd", "--out", "kd");
        Assert.AreEqual(0, build.ExitCode, build.ToString());

        string[] Train(string run, params string[] column) =>
            ["train", "--artifacts", "kd", "--train", "teach.jsonl", "--dev", "teach.jsonl", "--test", "teach.jsonl", "--epochs", "1",
             "--batch-size", "16", "--max-length", "24", "--no-export", "--run", run, .. column];
        var general = CliProcess.Run(d, TimeSpan.FromMinutes(3), cache, Train("general", "--input-column", "teacher_logits=teacher"));
        var shorthand = CliProcess.Run(d, TimeSpan.FromMinutes(3), cache, Train("shorthand", "--teacher-column", "teacher"));
        var none = CliProcess.Run(d, TimeSpan.FromMinutes(3), cache, Train("none"));

        Assert.AreEqual(0, general.ExitCode, general.ToString());
        Assert.AreEqual(0, shorthand.ExitCode, shorthand.ToString());
        CollectionAssert.AreEqual(File.ReadAllLines(Path.Combine(d, "general", "metrics.jsonl")), File.ReadAllLines(Path.Combine(d, "shorthand", "metrics.jsonl")));
        Assert.AreEqual(1, none.ExitCode, none.ToString());
        StringAssert.Contains(none.Stderr, "needs 'teacher_logits' [batch, 2] from the data: name its column with --input-column teacher_logits=COLUMN");
    }
}

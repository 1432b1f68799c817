namespace OrtAdapter.Cli.Tests;

/// <summary>
/// Every verb, given garbage arguments or garbage files, ends with exit code 1 and one-line errors on stderr: never a
/// stack trace, never a crash, never success.
/// </summary>
[TestClass]
public sealed class GarbageInputTests
{
    static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    [TestMethod]
    public void EveryVerbRejectsGarbageWithOneLineErrors()
    {
        using var dir = new TempFolder();
        var d = dir.Path;
        var bertMini = Path.Combine(CliProcess.RepoRoot, "graphs", "bert-mini-uncased");
        var bertMiniArtifacts = Path.Combine(bertMini, "default");
        GarbageFiles.Write(d, Path.Combine(bertMini, "model_opset17.onnx"));
        string[][] cases =
        [
            ["frobnicate"],
            ["train", "--nonsense"],
            ["inspect", $"{d}/garbage.onnx"],
            ["inspect", $"{d}/empty.onnx"],
            ["inspect", $"{d}/truncated.onnx"],
            ["inspect", $"{d}/missing.onnx"],
            ["inspect", $"{d}/garbage-artifacts"],
            ["inspect", $"{d}/garbage-artifacts", "--json"],
            ["build", "--base", $"{d}/garbage.onnx", "--out", $"{d}/out1"],
            ["build", "--base", $"{d}/folder.onnx", "--out", $"{d}/out2"],
            ["build", "--base", $"{d}/truncated.onnx", "--out", $"{d}/out3"],
            ["build", "--base", "no-such-base", "--out", $"{d}/out4"],
            ["build", "--base", $"{d}/novocab/model.onnx", "--out", $"{d}/out7"],
            ["build", "--base", "bert-mini-uncased", "--loss", "0.9*ce+", "--out", $"{d}/out5"],
            ["build", "--base", "bert-mini-uncased", "--loss", "ce:temperature=x", "--out", $"{d}/out6"],
            ["build", "--reduction", "0"],
            ["build", "--labels", "-1"],
            ["build", "--head-dropout", "1.5"],
            ["build", "--lora-alpha", "NaN"],
            ["build", "--adapter", "adapter"],
            ["build", "--adapter", "houlsby", "--lora-rank", "4", "--out", $"{d}/out8"],
            ["build", "--adapter", "ia3", "--reduction", "8", "--out", $"{d}/out9"],
            ["train", "--epochs", "x"],
            ["train", "--lr", "-1"],
            ["train", "--lr", "1e999"],
            ["train", "--loss-weights", "a,b"],
            ["train", "--max-length", "1"],
            ["train", "--threads", "-5"],
            ["train", "--device", "foo", "--artifacts", bertMiniArtifacts, "--run", $"{d}/run0"],
            ["train", "--resume"],
            ["train", "--artifacts", bertMiniArtifacts, "--reduction", "8", "--run", $"{d}/run0"],
            ["train", "--artifacts", $"{d}/garbage-artifacts", "--run", $"{d}/run1"],
            ["train", "--artifacts", $"{d}/missing-artifacts", "--run", $"{d}/run2"],
            ["train", "--artifacts", bertMiniArtifacts, "--train", $"{d}/garbage.jsonl", "--run", $"{d}/run3"],
            ["train", "--artifacts", bertMiniArtifacts, "--train", $"{d}/garbage.csv", "--run", $"{d}/run4"],
            ["train", "--artifacts", bertMiniArtifacts, "--train", $"{d}/garbage.tsv", "--run", $"{d}/run5"],
            ["train", "--artifacts", bertMiniArtifacts, "--train", $"{d}/garbage.parquet", "--run", $"{d}/run6"],
            ["train", "--artifacts", bertMiniArtifacts, "--train", $"{d}/garbage.db", "--run", $"{d}/run7"],
            ["train", "--artifacts", bertMiniArtifacts, "--train", $"{d}/missing.jsonl", "--run", $"{d}/run8"],
            ["train", "--artifacts", bertMiniArtifacts, "--train", $"{d}/folder.onnx", "--run", $"{d}/run9"],
            ["export", $"{d}/garbage-run", "--out", $"{d}/m1.onnx"],
            ["export", $"{d}/missing-run", "--out", $"{d}/m2.onnx"],
            ["export", $"{d}/garbage-artifacts", "--out", $"{d}/m3.onnx"],
            ["attach", $"{d}/garbage.onnx", $"{d}/garbage.adapter.safetensors", "--out", $"{d}/m4.onnx"],
            ["attach", Path.Combine(bertMini, "model_opset17.onnx"), $"{d}/garbage.adapter.safetensors", "--out", $"{d}/m5.onnx"],
            ["attach", Path.Combine(bertMini, "model_opset17.onnx"), $"{d}/empty.onnx", "--out", $"{d}/m6.onnx"],
            ["predict", $"{d}/garbage.onnx", "--input", $"{d}/garbage.jsonl"],
            ["predict", $"{d}/truncated.onnx", "--input", $"{d}/garbage.jsonl"],
            ["predict", $"{d}/missing.onnx"],
            ["predict", Path.Combine(bertMini, "model_opset17.onnx"), "--input", $"{d}/garbage.jsonl"],
            ["predict", $"{d}/garbage.onnx", "--batch-size", "0"],
            ["bench", "--encoder", $"{d}/garbage.onnx", "--steps", "1"],
            ["bench", "--steps", "0"],
            ["bench", "--batch-size", "-1"],
        ];

        var failures = new System.Collections.Concurrent.ConcurrentBag<string>();
        Parallel.ForEach(cases, new ParallelOptions { MaxDegreeOfParallelism = 2 }, args =>
        {
            var r = CliProcess.Run(d, Timeout, args);
            if (Problem(r) is { } problem) failures.Add($"ortadapter {string.Join(' ', args)}: {problem}\n{r}");
        });
        Assert.IsEmpty(failures, string.Join("\n\n", failures));
        foreach (var folder in new[] { "runs" }.Concat(Enumerable.Range(0, 10).Select(i => $"run{i}")).Concat(Enumerable.Range(1, 7).Select(i => $"out{i}")))
            Assert.IsFalse(Directory.Exists(Path.Combine(d, folder)), $"a failed train left {folder} behind");
    }

    /// <summary>Null when the run failed as it should: exit code 1, stderr ending in "error: ..." lines (progress before them).</summary>
    static string? Problem(CliResult r)
    {
        if (r.ExitCode != 1) return $"exit code {r.ExitCode}, expected 1";
        var lines = r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var errors = lines.SkipWhile(l => !l.StartsWith("error: ", StringComparison.Ordinal)).ToList();
        if (errors.Count == 0) return "no error line on stderr";
        if (errors.FirstOrDefault(l => !l.StartsWith("error: ", StringComparison.Ordinal)) is { } other) return $"more after the error: {other}";
        if (r.Stderr.Contains("   at ", StringComparison.Ordinal) || r.Stdout.Contains("   at ", StringComparison.Ordinal)) return "stack trace";
        if (r.Stderr.Contains("full trace in", StringComparison.Ordinal)) return "an internal error (a bug), not a user-facing one";
        return null;
    }
}

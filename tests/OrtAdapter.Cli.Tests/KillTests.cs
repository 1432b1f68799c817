using System.Diagnostics;

namespace OrtAdapter.Cli.Tests;

/// <summary>
/// kill -9 at the worst moments, as a process: training killed mid-run and resumed ends exactly where an uninterrupted
/// run ends; an export killed mid-write leaves no partial model, and the next export cleans up after it.
/// </summary>
[TestClass]
public sealed class KillTests
{
    static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    static string[] TrainArgs(string d, string run) =>
    [
        "train", "--artifacts", Path.Combine(CliProcess.RepoRoot, "graphs", "bert-mini-uncased", "default"),
        "--train", $"{d}/train.jsonl", "--dev", $"{d}/dev.jsonl", "--test", $"{d}/dev.jsonl",
        "--epochs", "8", "--batch-size", "8", "--max-length", "32", "--checkpoint-every", "1", "--threads", "1", "--seed", "5",
        "--run", $"{d}/{run}",
    ];

    static void WriteData(string d)
    {
        var data = Path.Combine(CliProcess.RepoRoot, "data", "sentiment-uci");
        File.WriteAllLines(Path.Combine(d, "train.jsonl"), File.ReadLines(Path.Combine(data, "train.jsonl")).Take(96));
        File.WriteAllLines(Path.Combine(d, "dev.jsonl"), File.ReadLines(Path.Combine(data, "dev.jsonl")).Take(32));
    }

    [TestMethod]
    public void TrainingKilledAndResumedEndsAsAnUninterruptedRun()
    {
        using var dir = new TempFolder();
        var d = dir.Path;
        WriteData(d);
        var straight = CliProcess.Run(d, Timeout, TrainArgs(d, "straight"));
        Assert.AreEqual(0, straight.ExitCode, straight.ToString());

        using (var p = CliProcess.Start(d, TrainArgs(d, "killed")))
        {
            var metrics = Path.Combine(d, "killed", "metrics.jsonl");
            var clock = Stopwatch.StartNew();
            while (!p.HasExited && TrainLines(metrics) < 30 && clock.Elapsed < Timeout) Thread.Sleep(10);
            Assert.IsFalse(p.HasExited, "the run ended before it could be killed");
            p.Kill(entireProcessTree: true); // SIGKILL: no handler runs
            p.WaitForExit();
        }
        var resumed = CliProcess.Run(d, Timeout, [.. TrainArgs(d, "killed"), "--resume"]);
        Assert.AreEqual(0, resumed.ExitCode, resumed.ToString());
        StringAssert.Contains(resumed.Stderr + resumed.Stdout, "resumed at step");

        // Byte for byte (the exported files also carry the run's wall time, so they are left out).
        foreach (var file in new[] { "checkpoint-last/weights.safetensors", "checkpoint-best/weights.safetensors", "metrics.jsonl", "curves.png" })
            CollectionAssert.AreEqual(File.ReadAllBytes(Path.Combine(d, "straight", file)), File.ReadAllBytes(Path.Combine(d, "killed", file)), file);
    }

    [TestMethod]
    public void AnExportKilledMidWriteLeavesNoPartialModel()
    {
        using var dir = new TempFolder();
        var d = dir.Path;
        WriteData(d);
        var run = CliProcess.Run(d, Timeout, [.. TrainArgs(d, "run"), "--no-export"]);
        Assert.AreEqual(0, run.ExitCode, run.ToString());
        var output = Directory.CreateDirectory(Path.Combine(d, "out")).FullName;
        var model = Path.Combine(output, "model.onnx");

        using (var p = CliProcess.Start(d, "export", $"{d}/run", "--out", model))
        {
            // Kill as soon as the first temporary file appears (or whenever the export is over, if it was quicker).
            while (!p.HasExited && Directory.GetFiles(output).Length == 0) Thread.Sleep(1);
            p.Kill(entireProcessTree: true);
            p.WaitForExit();
        }
        foreach (var f in Directory.GetFiles(output).Where(f => !f.Contains(".tmp-", StringComparison.Ordinal)))
            Assert.IsTrue(IsWholeModelOrAdapter(f), $"{f} is partial");

        var again = CliProcess.Run(d, Timeout, "export", $"{d}/run", "--out", model, "--overwrite");
        Assert.AreEqual(0, again.ExitCode, again.ToString());
        CollectionAssert.AreEquivalent(new[] { "model.onnx", "model.adapter.safetensors" }, Directory.GetFiles(output).Select(Path.GetFileName).ToArray(),
            "the killed export's temporary files are gone");
    }

    static int TrainLines(string metrics)
    {
        try { return File.Exists(metrics) ? File.ReadLines(metrics).Count(l => l.Contains("\"split\":\"train\"", StringComparison.Ordinal)) : 0; }
        catch (IOException) { return 0; }
    }

    /// <summary>A model the runtime loads, or an adapter file with its full header and data.</summary>
    static bool IsWholeModelOrAdapter(string path)
    {
        if (path.EndsWith(".onnx", StringComparison.Ordinal))
        {
            try { using var s = new Microsoft.ML.OnnxRuntime.InferenceSession(path); return true; }
            catch (Microsoft.ML.OnnxRuntime.OnnxRuntimeException) { return false; }
        }
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length < 8) return false;
        var header = (long)BitConverter.ToUInt64(bytes, 0);
        return 8 + header <= bytes.Length;
    }
}

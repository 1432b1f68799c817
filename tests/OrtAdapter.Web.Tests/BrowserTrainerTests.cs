using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using OrtAdapter.Build.Bases;
using OrtAdapter.Cli.Tests;

namespace OrtAdapter.Web.Tests;

/// <summary>
/// The page in headless Chromium (web/test-browser/train-in-browser.mjs drives it as a user would) against the .NET
/// trainer on the same artifacts, data, seed and options: every step's loss and loss terms within 1e-5, the same dev
/// metrics, and the downloaded adapter file attached by <c>ortadapter attach</c> predicts what the page predicted.
/// </summary>
[TestClass]
public sealed class BrowserTrainerTests
{
    const double LossTolerance = 1e-5, ProbabilityTolerance = 1e-5;
    static readonly string[] Sentences = ["The battery lasts all day and the screen is great.", "It broke after a week, total waste of money."];

    [TestMethod]
    [DataRow("bert-mini-uncased", true)]
    [DataRow("all-minilm-l6-v2", false)]
    public void TrainsStepForStepLikeDotNetAndAttaches(string baseName, bool pickFolder)
    {
        WebTools.RequireChromium();
        using var temp = new TempFolder();
        var artifacts = PrebuiltArtifacts(baseName);
        // 44 rows at batch 8: 6 steps, the last one partial. The artifacts come through the folder picker (and the page
        // trains twice: the second run must start again from the initial checkpoint) or the URL field.
        var run = TrainBoth(temp.Path, artifacts, trainRows: 44, devRows: 24, ["--epochs", "1", "--batch-size", "8", "--seed", "3", "--max-length", "64"],
            pickFolder ? ["--pick-folder", "--train-twice"] : []);
        Assert.AreEqual(6, run.Steps);
        if (pickFolder)
            Assert.AreEqual((double)run.Result["previous_steps"]![0]!["loss"]!, (double)run.Result["steps"]![0]!["loss"]!, "the second run's first loss");

        // The downloaded adapter, attached on the .NET side, predicts what the page predicted.
        var baseModel = Path.GetFullPath(Path.Combine(artifacts, (string)JsonNode.Parse(File.ReadAllText(Path.Combine(artifacts, "manifest.json")))!["base_model"]!));
        var attach = CliProcess.Run(temp.Path, TimeSpan.FromMinutes(3), "attach", baseModel, Path.Combine(run.BrowserOut, "model.adapter.safetensors"), "--out", "attached.onnx");
        Assert.AreEqual(0, attach.ExitCode, attach.ToString());
        File.WriteAllLines(Path.Combine(temp.Path, "sentences.txt"), Sentences);
        var predict = CliProcess.Run(temp.Path, TimeSpan.FromMinutes(2), "predict", "attached.onnx", "--input", "sentences.txt");
        Assert.AreEqual(0, predict.ExitCode, predict.ToString());
        var predictions = predict.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!["prediction"]!).ToList();
        var labels = run.Result["labels"]!.AsArray().Select(l => (string)l!).ToList();
        for (int i = 0; i < Sentences.Length; i++)
        {
            var page = run.Result["predictions"]![i]!;
            Assert.AreEqual((string)page["label"]!, (string)predictions[i]["label"]!, Sentences[i]);
            for (int c = 0; c < labels.Count; c++)
                Assert.AreEqual((double)page["probabilities"]![c]!, (double)predictions[i]["probabilities"]![labels[c]]!, ProbabilityTolerance, $"{Sentences[i]}: p({labels[c]})");
        }
    }

    [TestMethod]
    public void WebGpuBundleTrainsTheFloat32OptimizerGraphAndNamesTheDoubleOne()
    {
        WebTools.RequireChromium();
        using var temp = new TempFolder();
        // Served from the repository (the page's origin): artifacts/ is ignored by git.
        var artifacts = Path.Combine(CliProcess.RepoRoot, "artifacts", "web-tests", "bert-mini-float32-optimizer");
        var build = CliProcess.Run(temp.Path, TimeSpan.FromMinutes(3), "build", "--base", Path.Combine(CliProcess.RepoRoot, "graphs", "bert-mini-uncased", "model_opset17.onnx"),
            "--float32-optimizer", "--out", artifacts);
        Assert.AreEqual(0, build.ExitCode, build.ToString());
        // WebGPU here is SwiftShader (software): two small steps prove the graph, not the speed.
        string[] webgpu = ["--provider", "webgpu"];
        TrainBoth(temp.Path, artifacts, trainRows: 8, devRows: 4, ["--epochs", "1", "--batch-size", "4", "--seed", "5", "--max-length", "32"], webgpu);

        var refused = WebTools.Run("node", ["test-browser/train-in-browser.mjs", "--artifacts", Path.Combine(CliProcess.RepoRoot, "graphs", "bert-mini-uncased", "default"),
            "--train", Path.Combine(temp.Path, "train.jsonl"), "--out", Path.Combine(temp.Path, "refused"), .. webgpu], TimeSpan.FromMinutes(3));
        Assert.AreEqual(1, refused.ExitCode, refused.ToString());
        StringAssert.Contains(refused.Stderr, "AdamW computes its scalars in double, which onnxruntime-web's WebGPU bundle cannot run: build them with 'ortadapter build --float32-optimizer'", refused.ToString());
    }

    sealed record BothRuns(int Steps, string BrowserOut, JsonNode Result);

    /// <summary>
    /// Trains the first rows of the bundled sentiment data with the .NET CLI and in the page, same artifacts and options;
    /// asserts every step's loss, loss terms and learning rate and the dev metrics agree.
    /// </summary>
    static BothRuns TrainBoth(string folder, string artifacts, int trainRows, int devRows, string[] options, string[] browserOptions)
    {
        var (train, dev) = (Path.Combine(folder, "train.jsonl"), Path.Combine(folder, "dev.jsonl"));
        var data = Path.Combine(CliProcess.RepoRoot, "data", "sentiment-uci");
        File.WriteAllLines(train, File.ReadLines(Path.Combine(data, "train.jsonl")).Take(trainRows));
        File.WriteAllLines(dev, File.ReadLines(Path.Combine(data, "dev.jsonl")).Take(devRows));

        // .NET first: it also derives the artifacts' frozen weights from the base model where they are missing.
        var dotnet = CliProcess.Run(folder, TimeSpan.FromMinutes(5), ["train", "--artifacts", artifacts, "--train", train, "--dev", dev, "--test", dev, "--run", "dotnet", .. options]);
        Assert.AreEqual(0, dotnet.ExitCode, dotnet.ToString());
        var browserOut = Path.Combine(folder, "browser");
        var browser = WebTools.Run("node", ["test-browser/train-in-browser.mjs", "--artifacts", artifacts, "--train", train, "--dev", dev,
            "--out", browserOut, .. options, .. browserOptions, .. Sentences.SelectMany(s => new[] { "--sentence", s })], TimeSpan.FromMinutes(8));
        Assert.AreEqual(0, browser.ExitCode, browser.ToString());

        var metrics = File.ReadLines(Path.Combine(folder, "dotnet", "metrics.jsonl")).Select(l => JsonNode.Parse(l)!).ToList();
        var result = JsonNode.Parse(File.ReadAllText(Path.Combine(browserOut, "result.json")))!;
        var termMetrics = LossTermMetrics(artifacts);
        var dotnetSteps = metrics.Where(m => (string?)m["split"] == "train").ToList();
        var browserSteps = result["steps"]!.AsArray();
        Assert.HasCount(dotnetSteps.Count, browserSteps, "steps trained");
        for (int k = 0; k < dotnetSteps.Count; k++)
        {
            var (d, b) = (dotnetSteps[k], browserSteps[k]!);
            Assert.AreEqual((double)d["loss"]!, (double)b["loss"]!, LossTolerance, $"loss at step {k + 1}");
            for (int t = 0; t < termMetrics.Count; t++)
                Assert.AreEqual((double)d[termMetrics[t]]!, (double)b["terms"]![t]!, LossTolerance, $"{termMetrics[t]} at step {k + 1}");
            Assert.AreEqual((double)d["lr"]!, (double)b["learningRate"]!, 1e-9, $"learning rate at step {k + 1}");
        }
        var dotnetDev = metrics.Single(m => (string?)m["split"] == "dev");
        var browserDev = result["epochs"]![0]!["dev"]!;
        Assert.AreEqual((double)dotnetDev["accuracy"]!, (double)browserDev["accuracy"]!, "dev accuracy");
        Assert.AreEqual((double)dotnetDev["macro_f1"]!, (double)browserDev["macro_f1"]!, 1e-12, "dev macro-F1");
        Assert.AreEqual((double)dotnetDev["loss"]!, (double)browserDev["loss"]!, LossTolerance, "dev loss");
        return new BothRuns(dotnetSteps.Count, browserOut, result);
    }

    [TestMethod]
    public void AMissingArtifactsFolderIsOneClearLine()
    {
        WebTools.RequireChromium();
        using var temp = new TempFolder();
        var train = Path.Combine(temp.Path, "train.jsonl");
        File.WriteAllText(train, "{\"text\": \"fine\", \"label\": 1}\n");
        var run = WebTools.Run("node", ["test-browser/train-in-browser.mjs", "--artifacts", Path.Combine(temp.Path, "no-such-artifacts"), "--train", train, "--out", Path.Combine(temp.Path, "out")], TimeSpan.FromMinutes(2));
        Assert.AreEqual(1, run.ExitCode, run.ToString());
        StringAssert.Contains(run.Stderr, "no-such-artifacts/manifest.json: HTTP 404", run.ToString());
    }

    [TestMethod]
    public void ABatchPastTheWasmHeapIsRefusedBeforeTraining()
    {
        WebTools.RequireChromium();
        using var temp = new TempFolder();
        var train = Path.Combine(temp.Path, "train.jsonl");
        File.WriteAllLines(train, File.ReadLines(Path.Combine(CliProcess.RepoRoot, "data", "sentiment-uci", "train.jsonl")).Take(8));
        var artifacts = PrebuiltArtifacts("all-minilm-l6-v2");
        // The page loads the frozen weights before it can check a batch: on a fresh clone a .NET step derives them first.
        if (!File.Exists(Path.Combine(artifacts, "frozen_weights.bin")))
            Assert.AreEqual(0, CliProcess.Run(temp.Path, TimeSpan.FromMinutes(5), "train", "--artifacts", artifacts, "--train", train, "--dev", train, "--test", train,
                "--epochs", "1", "--batch-size", "8", "--no-export", "--run", "derive").ExitCode);
        var run = WebTools.Run("node", ["test-browser/train-in-browser.mjs", "--artifacts", artifacts,
            "--train", train, "--out", Path.Combine(temp.Path, "out"), "--batch-size", "32", "--max-length", "512"], TimeSpan.FromMinutes(3));
        Assert.AreEqual(1, run.ExitCode, run.ToString());
        StringAssert.Contains(run.Stderr, "Batch size 32 x max length 512 needs about", run.ToString());
        StringAssert.Contains(run.Stderr, "of WebAssembly's 4 GiB heap: lower the batch size (at most 7 at this length) or the max length.", run.ToString());
    }

    /// <summary>
    /// The repository's prebuilt artifacts of a known base, with the base model in the repository's model cache (a fresh
    /// clone has fetched none yet): the .NET side derives the frozen weights from it, and attach reads it.
    /// </summary>
    static string PrebuiltArtifacts(string baseName)
    {
        new BaseModelStore(Path.Combine(CliProcess.RepoRoot, "artifacts", "models"), CliProcess.RepoRoot).Resolve(baseName);
        return Path.Combine(CliProcess.RepoRoot, "graphs", baseName, "default");
    }

    /// <summary>The metrics.jsonl names of the loss terms (loss_ce, ...), in the graph's term order.</summary>
    static List<string> LossTermMetrics(string artifacts) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(artifacts, "manifest.json")))!["loss_terms"]!.AsArray().Select(t => (string)t!["metric"]!).ToList();
}

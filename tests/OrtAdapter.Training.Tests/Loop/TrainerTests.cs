using OrtAdapter.Build.Artifacts;
using OrtAdapter.Build.Checkpoints;
using OrtAdapter.Build.Losses;
using OrtAdapter.Training.Data;
using OrtAdapter.Training.Loop;
using OrtAdapter.Training.Metrics;
using OrtAdapter.Training.Reporting;

namespace OrtAdapter.Training.Tests.Loop;

/// <summary>Short runs of the real loop on a tiny encoder (a second or two each).</summary>
[TestClass]
public sealed class TrainerTests
{
    static TrainOptions Options(TinyRun run, string runDir, string train, int epochs = 2, double lr = 1e-2) => new()
    {
        Artifacts = run.Artifacts, TrainData = train, DevData = run.WriteToyData("dev.jsonl", 16, seed: 2), TestData = run.WriteToyData("test.jsonl", 16, seed: 3),
        RunDirectory = run.Combine(runDir), Epochs = epochs, BatchSize = 8, EvalBatchSize = 16, LearningRate = lr, MaxLength = 16,
        Threads = 1, Seed = 11,
    };

    [TestMethod]
    public void HeadDropoutTrainsWithItsOneByteMask()
    {
        // The head's mask is a dropout site like the encoder's: fed one byte an element by the same generator.
        using var run = new TinyRun(ArtifactRecipe.Default with { HeadDropout = 0.2 });
        Assert.AreEqual("uint8", run.Manifest.TrainingInputs.Single(i => i.Name == run.Manifest.DropoutMasks[^1].Input).ElementType);
        var result = Trainer.Run(Options(run, "run", run.WriteToyData("train.jsonl", 16, seed: 1), epochs: 1), new QuietProgress());
        Assert.IsTrue(double.IsFinite(result.Test![MetricNames.Loss]));
    }

    [TestMethod]
    public void AFinishedRunIsNeverOverwrittenAndResumeNeedsACheckpoint()
    {
        using var run = new TinyRun();
        var o = Options(run, "run", run.WriteToyData("train.jsonl", 16, seed: 1), epochs: 1);
        Trainer.Run(o, new QuietProgress());
        var before = Directory.GetFiles(o.RunDirectory, "*", SearchOption.AllDirectories).ToDictionary(f => f, File.ReadAllBytes);

        var again = Assert.ThrowsExactly<InvalidOperationException>(() => Trainer.Run(o, new QuietProgress()));
        StringAssert.Contains(again.Message, "already holds files: continue that run with --resume");
        foreach (var (file, bytes) in before) CollectionAssert.AreEqual(bytes, File.ReadAllBytes(file), file);

        Directory.CreateDirectory(run.Combine("empty"));
        var nothing = Assert.ThrowsExactly<InvalidOperationException>(() => Trainer.Run(Options(run, "empty", o.TrainData) is var e ? new TrainOptions
        {
            Artifacts = e.Artifacts, TrainData = e.TrainData, RunDirectory = e.RunDirectory, Resume = true,
        } : null!, new QuietProgress()));
        StringAssert.Contains(nothing.Message, "has no checkpoint-last to continue from");
        Assert.IsEmpty(Directory.GetFileSystemEntries(run.Combine("empty")));
    }

    [TestMethod]
    public void ResumeWithOtherOptionsThanTheRunStartedWithIsRefused()
    {
        using var run = new TinyRun();
        var o = Options(run, "run", run.WriteToyData("train.jsonl", 16, seed: 1), epochs: 2);
        Trainer.Run(new TrainOptions
        {
            Artifacts = o.Artifacts, TrainData = o.TrainData, DevData = o.DevData, TestData = o.TestData, RunDirectory = o.RunDirectory,
            Epochs = o.Epochs, BatchSize = o.BatchSize, LearningRate = o.LearningRate, MaxLength = o.MaxLength, Threads = 1, Seed = o.Seed,
            StopAfterSteps = 1,
        }, new QuietProgress());
        var before = Directory.GetFiles(o.RunDirectory, "*", SearchOption.AllDirectories).ToDictionary(f => f, File.ReadAllBytes);

        TrainOptions Resume(int epochs, double lr, int seed) => new()
        {
            Artifacts = o.Artifacts, TrainData = o.TrainData, DevData = o.DevData, TestData = o.TestData, RunDirectory = o.RunDirectory,
            Epochs = epochs, BatchSize = o.BatchSize, LearningRate = lr, MaxLength = o.MaxLength, Threads = 1, Seed = seed, Resume = true,
        };
        foreach (var (changed, options) in new[] { ("--epochs", Resume(5, o.LearningRate, o.Seed)), ("--lr", Resume(o.Epochs, 0.5, o.Seed)), ("--seed", Resume(o.Epochs, o.LearningRate, 99)) })
        {
            var e = Assert.ThrowsExactly<ArgumentException>(() => Trainer.Run(options, new QuietProgress()));
            StringAssert.StartsWith(e.Message, $"--resume: {changed} is ");
            StringAssert.Contains(e.Message, "but the run started with");
            StringAssert.Contains(e.Message, "a run continues with the options it started with");
        }
        foreach (var (file, bytes) in before) CollectionAssert.AreEqual(bytes, File.ReadAllBytes(file), file);

        var resumed = Trainer.Run(Resume(o.Epochs, o.LearningRate, o.Seed), new QuietProgress());
        Assert.AreEqual(4L, resumed.Steps, "the same options continue the run");
    }

    [TestMethod]
    public void DivergenceStopsTheRunAndTheCheckpointsKeepFiniteWeights()
    {
        using var run = new TinyRun();
        var o = Options(run, "run", run.WriteToyData("train.jsonl", 64, seed: 1), epochs: 4, lr: 1e9);
        var e = Assert.ThrowsExactly<InvalidOperationException>(() => Trainer.Run(new TrainOptions
        {
            Artifacts = o.Artifacts, TrainData = o.TrainData, DevData = o.DevData, RunDirectory = o.RunDirectory,
            Epochs = 4, BatchSize = 8, LearningRate = 1e9, MaxLength = 16, Threads = 1, Seed = 11, CheckpointEverySteps = 1,
        }, new QuietProgress()));
        StringAssert.Matches(e.Message, new System.Text.RegularExpressions.Regex("(Loss|Gradients|Dev loss) became .* at step [0-9]+"));
        foreach (var folder in new[] { Trainer.LastCheckpoint, Trainer.BestCheckpoint }.Select(f => Path.Combine(o.RunDirectory, f)).Where(Checkpoint.Exists))
            foreach (var (name, tensor) in Checkpoint.Load(folder).Tensors)
                Assert.IsTrue(tensor.ToArray<float>().All(float.IsFinite), $"{folder}/{name} holds non-finite values");
    }

    [TestMethod]
    public void AMaxLengthBeyondThePositionTableIsRefusedBeforeTraining()
    {
        using var run = new TinyRun();
        var o = Options(run, "run", run.WriteToyData("train.jsonl", 16, seed: 1), epochs: 1);
        var e = Assert.ThrowsExactly<ArgumentException>(() => Trainer.Run(new TrainOptions
        {
            Artifacts = o.Artifacts, TrainData = o.TrainData, RunDirectory = o.RunDirectory, MaxLength = 100_000,
        }, new QuietProgress()));
        StringAssert.StartsWith(e.Message, "--max-length 100000 is longer than the model's 512 positions");
        Assert.IsFalse(Directory.Exists(o.RunDirectory));
    }

    [TestMethod]
    public void ShortRunWritesItsReportAndLearnsASeparableSet()
    {
        using var run = new TinyRun();
        var o = Options(run, "run", run.WriteToyData("train.jsonl", 64, seed: 1), epochs: 4, lr: 5e-2);
        var result = Trainer.Run(o, new QuietProgress());

        Assert.AreEqual(32L, result.Steps, "4 epochs of 64 rows in batches of 8");
        foreach (var f in (string[])["metrics.jsonl", "curves.png", "confusion.png", "summary.json"])
            Assert.IsTrue(File.Exists(Path.Combine(o.RunDirectory, f)), f);
        Assert.IsTrue(Checkpoint.Exists(Path.Combine(o.RunDirectory, Trainer.BestCheckpoint)));
        Assert.IsTrue(Checkpoint.Exists(Path.Combine(o.RunDirectory, Trainer.LastCheckpoint)));
        var last = Checkpoint.Load(Path.Combine(o.RunDirectory, Trainer.LastCheckpoint));
        Assert.AreEqual(32L, last.State.Step);
        Assert.HasCount(run.Manifest.Trainable.Count * 3, last.Tensors, "each trainable tensor with its two AdamW moments");

        var log = MetricsLog.Read(Path.Combine(o.RunDirectory, Trainer.MetricsFile));
        // The cross-entropy term: SupCon's minimum is log(positives) > 0, so the whole loss cannot fall as far.
        var losses = log.Where(e => e.Split == MetricsEntry.TrainSplit).Select(e => e["loss_ce"]!.Value).ToList();
        Assert.HasCount(32, losses);
        Assert.IsTrue(log.All(e => e.Split == MetricsEntry.TestSplit || e["loss_supcon"] is not null), "each term is logged under its name");
        Assert.AreEqual(4, log.Count(e => e.Split == MetricsEntry.DevSplit), "one dev evaluation per epoch");
        Assert.AreEqual(1, log.Count(e => e.Split == MetricsEntry.TestSplit));
        var first = losses.Take(4).Average();
        var final = losses.TakeLast(4).Average();
        Assert.IsLessThan(first * 0.7, final, $"train loss {first:F4} -> {final:F4}: {string.Join(" ", losses.Select(l => l.ToString("F3")))}; dev {string.Join(" ", log.Where(e => e.Split == MetricsEntry.DevSplit).Select(e => e[MetricNames.Accuracy]))}");
        Assert.IsGreaterThanOrEqualTo(0.75, result.BestDev[MetricNames.Accuracy], "'good' vs 'bad' is learnt (chance is 0.5 on 16 dev rows)");
        Assert.IsNotNull(result.Test);
        StringAssert.Contains(File.ReadAllText(Path.Combine(o.RunDirectory, "summary.json")), "\"labels\"");
        StringAssert.Contains(File.ReadAllText(Path.Combine(o.RunDirectory, "summary.json")), $"\"max_length\": {o.MaxLength}");
    }

    [TestMethod]
    public void ResumedRunEqualsUninterruptedRun()
    {
        using var run = new TinyRun();
        var train = run.WriteToyData("train.jsonl", 40, seed: 1);
        var straight = Options(run, "straight", train);
        Trainer.Run(straight, new QuietProgress());

        var interrupted = Options(run, "interrupted", train);
        var stopped = Trainer.Run(new TrainOptions
        {
            Artifacts = interrupted.Artifacts, TrainData = interrupted.TrainData, DevData = interrupted.DevData, TestData = interrupted.TestData,
            RunDirectory = interrupted.RunDirectory, Epochs = interrupted.Epochs, BatchSize = interrupted.BatchSize, EvalBatchSize = interrupted.EvalBatchSize,
            LearningRate = interrupted.LearningRate, MaxLength = interrupted.MaxLength, Threads = interrupted.Threads, Seed = interrupted.Seed,
            StopAfterSteps = 7, // mid-epoch 2 (5 batches per epoch), after one dev evaluation
        }, new QuietProgress());
        Assert.AreEqual(7L, stopped.Steps);
        var resumed = Trainer.Run(new TrainOptions
        {
            Artifacts = interrupted.Artifacts, TrainData = interrupted.TrainData, DevData = interrupted.DevData, TestData = interrupted.TestData,
            RunDirectory = interrupted.RunDirectory, Epochs = interrupted.Epochs, BatchSize = interrupted.BatchSize, EvalBatchSize = interrupted.EvalBatchSize,
            LearningRate = interrupted.LearningRate, MaxLength = interrupted.MaxLength, Threads = interrupted.Threads, Seed = interrupted.Seed,
            Resume = true,
        }, new QuietProgress());
        Assert.AreEqual(10L, resumed.Steps);

        foreach (var folder in (string[])[Trainer.LastCheckpoint, Trainer.BestCheckpoint])
        {
            var a = Checkpoint.Load(Path.Combine(straight.RunDirectory, folder));
            var b = Checkpoint.Load(Path.Combine(interrupted.RunDirectory, folder));
            CollectionAssert.AreEquivalent(a.Tensors.Keys.ToList(), b.Tensors.Keys.ToList());
            foreach (var (name, tensor) in a.Tensors)
            {
                var (x, y) = (tensor.ToArray<float>(), b.Tensors[name].ToArray<float>());
                for (int i = 0; i < x.Length; i++)
                    Assert.AreEqual(x[i], y[i], Tolerances.Resume, $"{folder}/{name}[{i}]");
            }
            Assert.AreEqual(a.State.Step, b.State.Step);
        }
        var trainA = TrainLosses(straight.RunDirectory);
        var trainB = TrainLosses(interrupted.RunDirectory);
        Assert.HasCount(10, trainB, "metrics.jsonl holds each step once after the resume");
        for (int i = 0; i < trainA.Count; i++) Assert.AreEqual(trainA[i], trainB[i], Tolerances.Resume, $"train loss of step {i + 1}");
    }

    [TestMethod]
    public void MalformedRowStopsTheRunBeforeTrainingUnlessSkipped()
    {
        using var run = new TinyRun();
        var lines = File.ReadAllLines(run.WriteToyData("train.jsonl", 24, seed: 1)).ToList();
        lines.Insert(4, "{\"text\": \"broken row\", \"label\": ");
        var train = run.Write("train.jsonl", string.Join("\n", lines) + "\n");
        var o = Options(run, "run", train, epochs: 1);

        var e = Assert.ThrowsExactly<DatasetException>(() => Trainer.Run(o, new QuietProgress()));
        StringAssert.Contains(e.Message, "train.jsonl:5:");
        Assert.IsFalse(File.Exists(Path.Combine(o.RunDirectory, Trainer.MetricsFile)), "nothing trained");

        var progress = new QuietProgress();
        var skipping = Trainer.Run(new TrainOptions
        {
            Artifacts = o.Artifacts, TrainData = o.TrainData, DevData = o.DevData, RunDirectory = o.RunDirectory, Epochs = 1, BatchSize = 8,
            MaxLength = 16, Threads = 1, Data = new DatasetOptions { SkipBadRows = true },
        }, progress);
        Assert.AreEqual(3L, skipping.Steps, "24 good rows in batches of 8");
        Assert.IsTrue(progress.Lines.Any(l => l.Contains("train.jsonl:5:", StringComparison.Ordinal)), "the skipped row is reported");
    }

    [TestMethod]
    public void LabelsBeyondTheHeadStopTheRunBeforeTraining()
    {
        using var run = new TinyRun();
        var train = run.Write("train.jsonl", "{\"text\": \"good\", \"label\": 0}\n{\"text\": \"bad\", \"label\": 1}\n{\"text\": \"meh\", \"label\": 2}\n");
        var o = Options(run, "run", train, epochs: 1);
        var e = Assert.ThrowsExactly<InvalidOperationException>(() => Trainer.Run(o, new QuietProgress()));
        StringAssert.Contains(e.Message, "3 labels");
        StringAssert.Contains(e.Message, "built for 2");
        Assert.IsFalse(Directory.Exists(o.RunDirectory), "nothing written");
    }

    [TestMethod]
    [DataRow(-1.0, 1.0, "negative")]
    [DataRow(double.NaN, 1.0, "finite")]
    [DataRow(0.0, 0.0, "All loss weights are zero")]
    public void BadLossWeightsStopTheRunBeforeTraining(double w1, double w2, string expected)
    {
        using var run = new TinyRun();
        var baseOptions = Options(run, "run", run.WriteToyData("train.jsonl", 16, seed: 1), epochs: 1);
        var o = new TrainOptions
        {
            Artifacts = baseOptions.Artifacts, TrainData = baseOptions.TrainData, RunDirectory = baseOptions.RunDirectory, Epochs = 1, Threads = 1,
            LossWeights = [w1, w2],
        };
        var e = Assert.ThrowsExactly<LossException>(() => Trainer.Run(o, new QuietProgress()));
        StringAssert.Contains(e.Message, expected);
        Assert.IsFalse(Directory.Exists(o.RunDirectory));
    }

    [TestMethod]
    public void SingleTermLossTrains()
    {
        using var run = new TinyRun(new ArtifactRecipe { Loss = "ce" });
        var o = Options(run, "run", run.WriteToyData("train.jsonl", 16, seed: 1), epochs: 1);
        var result = Trainer.Run(o, new QuietProgress());
        Assert.AreEqual(2L, result.Steps);
        var entry = MetricsLog.Read(Path.Combine(o.RunDirectory, Trainer.MetricsFile)).First(e => e.Split == MetricsEntry.TrainSplit);
        Assert.IsNotNull(entry["loss_ce"]);
    }

    [TestMethod]
    public void GradientAccumulationOfTwoHalfBatchesEqualsOneFullBatch()
    {
        // Mean cross-entropy without dropout: the mean of two half-batch gradients is the full-batch gradient, and the
        // plan's shuffle cuts the same example order into 8 or 2 x 4, so both runs make the same AdamW updates.
        using var run = new TinyRun(new ArtifactRecipe { Loss = "ce", FuseOptimizer = false, HiddenDropout = 0, AttentionDropout = 0 });
        var train = run.WriteToyData("train.jsonl", 32, seed: 1);
        var full = Options(run, "full", train, epochs: 1);
        var halves = new TrainOptions
        {
            Artifacts = full.Artifacts, TrainData = full.TrainData, DevData = full.DevData, TestData = full.TestData,
            RunDirectory = run.Combine("halves"), Epochs = 1, BatchSize = 4, GradientAccumulation = 2, EvalBatchSize = 16,
            LearningRate = full.LearningRate, MaxLength = full.MaxLength, Threads = 1, Seed = full.Seed,
        };

        var a = Trainer.Run(full, new QuietProgress());
        var b = Trainer.Run(halves, new QuietProgress());

        Assert.AreEqual(4L, a.Steps);
        Assert.AreEqual(4L, b.Steps);
        var ta = Checkpoint.Load(Path.Combine(full.RunDirectory, Trainer.LastCheckpoint)).Tensors;
        var tb = Checkpoint.Load(Path.Combine(halves.RunDirectory, Trainer.LastCheckpoint)).Tensors;
        foreach (var (name, tensor) in ta)
        {
            var x = tensor.ToArray<float>();
            var y = tb[name].ToArray<float>();
            for (int i = 0; i < x.Length; i++)
                Assert.AreEqual(x[i], y[i], Tolerances.Accumulation * Math.Max(1, Math.Abs(x[i])), $"{name}[{i}]");
        }
    }

    [TestMethod]
    public void GradientAccumulationNeedsASeparateOptimizerGraph()
    {
        using var run = new TinyRun();
        var o = Options(run, "run", run.WriteToyData("train.jsonl", 16, seed: 1), epochs: 1);
        var accumulate = new TrainOptions
        {
            Artifacts = o.Artifacts, TrainData = o.TrainData, RunDirectory = o.RunDirectory, BatchSize = 4, GradientAccumulation = 2, Epochs = 1, Threads = 1,
        };
        var e = Assert.ThrowsExactly<InvalidOperationException>(() => Trainer.Run(accumulate, new QuietProgress()));
        StringAssert.Contains(e.Message, "--unfused-optimizer");
    }

    static List<double> TrainLosses(string runDir) =>
        MetricsLog.Read(Path.Combine(runDir, Trainer.MetricsFile)).Where(e => e.Split == MetricsEntry.TrainSplit).Select(e => e[MetricNames.Loss]!.Value).ToList();
}

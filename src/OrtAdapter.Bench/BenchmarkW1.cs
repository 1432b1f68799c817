using System.Diagnostics;
using OrtAdapter.Autodiff.Analysis;
using OrtAdapter.Build.Adapters;
using OrtAdapter.Build.Artifacts;
using OrtAdapter.Build.Checkpoints;
using OrtAdapter.Bench.Encoders;
using OrtAdapter.Build.Losses;
using OrtAdapter.Build.Optimizer;
using OrtAdapter.Build.Surgery;
using OrtAdapter.Inference.Runtime;
using OrtAdapter.Onnx;
using OrtAdapter.Training.Runtime;

namespace OrtAdapter.Bench;

/// <summary>
/// Benchmark W1 (REFERENCE.md): the bench encoder with Houlsby r=16 in every layer, batch 32 of exactly 128 random
/// tokens, 0.8 x CE + 0.2 x in-batch InfoNCE, fused AdamW, dropout 0.1. Times the median of the timed train and
/// eval steps after warm-ups, counts 2·M·K·N for every MatMul/Gemm of the training graph, and measures ONNX
/// Runtime's own MatMul rate in the same process.
/// </summary>
public static class BenchmarkW1
{
    public static BenchResult Run(BenchOptions o, Action<string> log)
    {
        // Measured first: the training sessions' spinning worker threads would otherwise compete with it.
        var device = ExecutionDevice.Parse(o.Device, o.CudaTf32);
        var matmul = MatMulProbe.GflopPerSecond(device, threads: o.Threads);
        var precision = device.IsCuda ? [] : PrecisionProbe.Measure(device, threads: o.Threads);
        var encoder = o.Encoder ?? BenchEncoder.Resolve(o.SharedModels, o.CacheRoot);
        var recipe = ArtifactRecipe.Default with { Adapter = new AdapterSpec(AdapterKinds.Houlsby, new BottleneckAdapterOptions { ReductionFactor = o.ReductionFactor }), Loss = o.Loss, FuseOptimizer = o.FuseOptimizer, BasePrecision = o.BasePrecision };
        var (folder, _) = ArtifactCache.Resolve(encoder, recipe, null, Path.Combine(o.CacheRoot, "cache"), log);
        var manifest = ArtifactManifest.Load(folder);
        var state = Checkpoint.Load(Path.Combine(folder, manifest.Checkpoint)).Tensors.ToDictionary(kv => kv.Key, kv => kv.Value.ToArray<float>());
        log($"encoder {encoder}; artifacts {folder}");

        var memory = new List<MemoryPhase> { MemoryPhase.Now("start") };
        using var sessions = AdapterSessions.Open(folder, device, o.Threads, state, o.ProfilePrefix);
        memory.Add(MemoryPhase.Now("sessions"));
        using var feeds = sessions.NewFeeds();
        int b = o.BatchSize, s = o.SequenceLength;
        var rng = new Random(0);
        var ids = Enumerable.Range(0, b * s).Select(_ => (long)rng.Next(5, 8010)).ToArray();
        var ones = Enumerable.Repeat(1L, b * s).ToArray();
        var zeros = new long[b * s];
        var labels = Enumerable.Range(0, b).Select(_ => (long)rng.Next(2)).ToArray();
        var weights = LossSpec.ParseRecipe(o.Loss).Select(t => (float)t.Weight).ToArray();

        FeedBuilder Batch(FeedBuilder f)
        {
            f.Reset().Add("input_ids", ids, b, s).Add("attention_mask", ones, b, s).Add("token_type_ids", zeros, b, s).Add(LossNames.Labels, labels, b);
            for (int k = 0; k < weights.Length; k++) f.Scalar(LossNames.Weight(k + 1), weights[k]);
            return f;
        }

        string[] scalars = [LossNames.Loss, AdamWNames.GradNorm];
        long hostBytes = 0, batchBytes = 0;
        var trainTimes = Time(o, step =>
        {
            batchBytes = Batch(feeds).HostBytes;
            hostBytes = feeds.Scalar(AdamWNames.LearningRate, 1e-3f).Scalar(AdamWNames.Step, step + 1).DropoutMasks(b, s, 0, step).HostBytes;
            sessions.TrainStep(feeds.Feeds, scalars);
        });
        memory.Add(MemoryPhase.Now("train"));
        var evalTimes = Time(o, _ => sessions.Evaluate(Batch(feeds).Feeds, ["logits"]));
        memory.Add(MemoryPhase.Now("eval"));

        if (o.ProfilePrefix is not null) foreach (var trace in sessions.EndProfiling()) log($"profile: {trace}");
        var flops = MatMulFlops.Count(ModelFile.Load(Path.Combine(folder, manifest.TrainingModel), loadExternalData: false),
            new Dictionary<string, long> { ["batch_size"] = b, ["sequence_length"] = s });
        if (flops.Unresolved.Count > 0) log($"warning: {flops.Unresolved.Count} MatMul/Gemm nodes with unknown shapes are not counted");
        var trainStep = MatMulProbe.Median(trainTimes);
        var evalStep = MatMulProbe.Median(evalTimes);
        var total = (flops.Forward + flops.Gradient) / 1e9;
        return new BenchResult(Path.GetFileName(Path.GetDirectoryName(Path.GetFullPath(encoder))) ?? encoder, b, s,
            trainStep, b / trainStep, evalStep, b / evalStep, total, total / trainStep, flops.Forward / 1e9, flops.Gradient / 1e9,
            matmul, PeakMemory.Megabytes(), manifest.TrainableParameterCount, manifest.OptimizerFused, o.BasePrecision, device.ToString() + (device.IsCuda ? $" (TF32 {(device.AllowTf32 ? "on" : "off")})" : ""),
            hostBytes, batchBytes, precision, memory);
    }

    static List<double> Time(BenchOptions o, Action<long> step)
    {
        var times = new List<double>();
        for (long i = 0; i < o.WarmupSteps + o.TimedSteps; i++)
        {
            var sw = Stopwatch.StartNew();
            step(i);
            if (i >= o.WarmupSteps) times.Add(sw.Elapsed.TotalSeconds);
        }
        return times;
    }
}

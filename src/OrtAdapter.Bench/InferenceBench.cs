using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using OrtAdapter.Build.Adapters;
using OrtAdapter.Build.Artifacts;
using OrtAdapter.Build.Checkpoints;
using OrtAdapter.Bench.Encoders;
using OrtAdapter.Build.Export;
using OrtAdapter.Build.Losses;
using OrtAdapter.Build.Surgery;
using OrtAdapter.Inference.Runtime;
using OrtAdapter.Training.Runtime;

namespace OrtAdapter.Bench;

/// <summary>
/// <c>bench --infer</c>: forward throughput of the lean exported model (plain InferenceSession, fp32 and int8) against
/// the eval graph (loss included, parameters bound as inputs), on the W1 batch.
/// </summary>
public static class InferenceBench
{
    public sealed record Result(double EvalGraphSamplesPerSecond, double LeanSamplesPerSecond, double LeanInt8SamplesPerSecond)
    {
        public override string ToString() =>
            $"eval_graph_samples_per_s={EvalGraphSamplesPerSecond:F1} lean_fp32_samples_per_s={LeanSamplesPerSecond:F1} " +
            $"lean_int8_samples_per_s={LeanInt8SamplesPerSecond:F1} lean_vs_eval={LeanSamplesPerSecond / EvalGraphSamplesPerSecond:F2}x";
    }

    public static Result Run(BenchOptions o, Action<string> log)
    {
        var encoder = o.Encoder ?? BenchEncoder.Resolve(o.SharedModels, o.CacheRoot);
        var recipe = ArtifactRecipe.Default with { Adapter = new AdapterSpec(AdapterKinds.Houlsby, new BottleneckAdapterOptions { ReductionFactor = o.ReductionFactor }), Loss = o.Loss };
        var (folder, _) = ArtifactCache.Resolve(encoder, recipe, null, Path.Combine(o.CacheRoot, "cache"), log);
        var manifest = ArtifactManifest.Load(folder);
        int b = o.BatchSize, s = o.SequenceLength;
        var rng = new Random(0);
        var ids = Enumerable.Range(0, b * s).Select(_ => (long)rng.Next(5, 8010)).ToArray();
        var ones = Enumerable.Repeat(1L, b * s).ToArray();
        var zeros = new long[b * s];

        var state = Checkpoint.Load(Path.Combine(folder, manifest.Checkpoint)).Tensors.ToDictionary(kv => kv.Key, kv => kv.Value.ToArray<float>());
        double evalRate;
        using (var sessions = AdapterSessions.Open(folder, ExecutionDevice.Parse(o.Device, o.CudaTf32), o.Threads, state))
        using (var feeds = sessions.NewFeeds())
        {
            feeds.Add("input_ids", ids, b, s).Add("attention_mask", ones, b, s).Add("token_type_ids", zeros, b, s)
                .Add(LossNames.Labels, new long[b], b).Scalar(LossNames.Weight(1), 1f).Scalar(LossNames.Weight(2), 0f);
            evalRate = b / Median(o, () => sessions.Evaluate(feeds.Feeds, ["logits"]));
        }
        var lean = Path.Combine(o.CacheRoot, "bench-lean", "model.onnx");
        var leanInt8 = Path.Combine(o.CacheRoot, "bench-lean", "model-int8.onnx");
        ModelExporter.Export(folder, lean, new ExportOptions { WriteAdapterFile = false });
        ModelExporter.Export(folder, leanInt8, new ExportOptions { WriteAdapterFile = false, Int8 = true });
        return new Result(evalRate, b / TimeLean(o, lean, ids, ones, zeros), b / TimeLean(o, leanInt8, ids, ones, zeros));
    }

    static double TimeLean(BenchOptions o, string model, long[] ids, long[] mask, long[] types)
    {
        using var options = ExecutionDevice.Parse(o.Device, o.CudaTf32).CreateSessionOptions(o.Threads);
        using var session = new InferenceSession(model, options);
        int b = o.BatchSize, s = o.SequenceLength;
        using var i = OrtValue.CreateTensorValueFromMemory(ids, [b, s]);
        using var m = OrtValue.CreateTensorValueFromMemory(mask, [b, s]);
        using var t = OrtValue.CreateTensorValueFromMemory(types, [b, s]);
        using var run = new RunOptions();
        return Median(o, () =>
        {
            using var outputs = session.Run(run, ["input_ids", "attention_mask", "token_type_ids"], [i, m, t], ["logits"]);
        });
    }

    static double Median(BenchOptions o, Action step)
    {
        var times = new List<double>();
        for (int k = 0; k < o.WarmupSteps + o.TimedSteps; k++)
        {
            var sw = Stopwatch.StartNew();
            step();
            if (k >= o.WarmupSteps) times.Add(sw.Elapsed.TotalSeconds);
        }
        return MatMulProbe.Median(times);
    }
}

using System.CommandLine;
using OrtAdapter.Bench;
using OrtAdapter.Build.Artifacts;

namespace OrtAdapter.Cli.Verbs;

/// <summary><c>ortadapter bench</c>: benchmark W1 (REFERENCE.md), printing samples/s, GFLOP/s and peak RSS.</summary>
public static class BenchVerb
{
    public static Command Create()
    {
        var encoder = new Option<string?>("--encoder") { Description = "Encoder .onnx (default: ../shared/models/bench-l6-h384, else an identical-shape synthetic one)." };
        var batch = new Option<int>("--batch-size") { Description = "Sequences per step (W1: 32).", DefaultValueFactory = _ => 32 }.AtLeast(1);
        var sequence = new Option<int>("--sequence-length") { Description = "Tokens per sequence (W1: 128; a default MiniLM epoch's batches pad to 26-100, median 40).", DefaultValueFactory = _ => 128 }.AtLeast(2);
        var steps = new Option<int>("--steps") { Description = "Timed steps (median reported).", DefaultValueFactory = _ => 5 }.AtLeast(1);
        var threads = new Option<int>("--threads") { Description = "Intra-op threads (0 = all cores).", DefaultValueFactory = _ => 0 }.AtLeast(0);
        var device = new DeviceOptions();
        var unfused = new Option<bool>("--unfused-optimizer") { Description = "Run AdamW as a separate graph." };
        var infer = new Option<bool>("--infer") { Description = "Also compare inference throughput: lean exported model (fp32, int8) vs the eval graph." };
        var precision = new Option<BasePrecision>("--base-precision") { Description = "float32 or int8: the training graph's MatMuls by the frozen base's weights.", DefaultValueFactory = _ => BasePrecision.Float32 };
        var profile = new Option<string?>("--profile") { Description = "Write ONNX Runtime profiler traces with this path prefix." };
        var command = new Command("bench", "Benchmark W1: train and eval samples/s, training-step GFLOP/s vs ONNX Runtime's MatMul, peak RSS.")
        {
            encoder, batch, sequence, steps, threads, unfused, precision, profile, infer,
        };
        foreach (var o in device.All) command.Options.Add(o);
        command.SetAction(p =>
        {
            var options = new BenchOptions
            {
                Encoder = p.GetValue(encoder), BatchSize = p.GetValue(batch), SequenceLength = p.GetValue(sequence), TimedSteps = p.GetValue(steps), Threads = p.GetValue(threads),
                Device = device.DeviceOf(p), CudaTf32 = device.Tf32Of(p), FuseOptimizer = !p.GetValue(unfused), BasePrecision = p.GetValue(precision), ProfilePrefix = p.GetValue(profile),
                CacheRoot = Path.Combine(Workspace.Root, "artifacts"),
            };
            Console.WriteLine(BenchmarkW1.Run(options, Console.Error.WriteLine));
            if (p.GetValue(infer)) Console.WriteLine(InferenceBench.Run(options, Console.Error.WriteLine));
            return 0;
        });
        return command;
    }
}

using OrtAdapter.Training.Data;
using OrtAdapter.Training.Schedules;

namespace OrtAdapter.Training.Loop;

/// <summary>Options of one training run. Defaults are the project's default recipe (REFERENCE.md).</summary>
public sealed class TrainOptions
{
    /// <summary>Artifacts folder (built by ArtifactBuilder): graphs, frozen weights, initial checkpoint, tokenizer.</summary>
    public required string Artifacts { get; init; }

    /// <summary>Training data file; <see cref="DevData"/> and <see cref="TestData"/> are optional.</summary>
    public required string TrainData { get; init; }
    public string? DevData { get; init; }
    public string? TestData { get; init; }
    public DatasetOptions Data { get; init; } = DatasetOptions.Default;

    /// <summary>Folder for checkpoints, metrics.jsonl, plots and summary.json.</summary>
    public required string RunDirectory { get; init; }

    public int Epochs { get; init; } = 10;
    public int BatchSize { get; init; } = 32;
    /// <summary>
    /// Rows per eval Run. The eval session's memory sits beside the training session's, so its batch sets the run's
    /// peak: one default MiniLM epoch peaked at 1,236 MB with 64 and 1,185 MB with 32; ten epochs at 1,041 MB with 32
    /// and 1,006 MB with 16, with the same scores.
    /// </summary>
    public int EvalBatchSize { get; init; } = 16;
    public double LearningRate { get; init; } = 1e-3;
    public double WarmupFraction { get; init; } = 0.1;
    public LearningRateDecay Decay { get; init; } = LearningRateDecay.Linear;
    public int MaxLength { get; init; } = 128;
    public bool BucketByLength { get; init; }
    public int Seed { get; init; }

    /// <summary>cpu, cuda or cuda:N.</summary>
    public string Device { get; init; } = "cpu";

    /// <summary>On CUDA, let MatMul use TF32 tensor cores (faster, ~1e-3 relative error); off: strict float32 like the CPU.</summary>
    public bool CudaTf32 { get; init; }

    /// <summary>Intra-op threads; 0 uses every core the process may run on.</summary>
    public int Threads { get; init; }

    /// <summary>Evaluate on dev every N steps; 0 = at the end of each epoch.</summary>
    public int EvalEverySteps { get; init; }

    /// <summary>Write the resumable checkpoint every N steps; 0 = at each evaluation.</summary>
    public int CheckpointEverySteps { get; init; }

    /// <summary>Stop after this many evaluations without a better dev metric; 0 = never.</summary>
    public int Patience { get; init; }

    /// <summary>
    /// Micro-batches per optimizer step (their gradients are averaged); 1 = none. Above 1 the artifacts need a
    /// separate optimizer graph (built with FuseOptimizer = false / --unfused-optimizer).
    /// </summary>
    public int GradientAccumulation { get; init; } = 1;

    /// <summary>Loss weights (w1, w2); null = the artifacts' recipe.</summary>
    public IReadOnlyList<double>? LossWeights { get; init; }

    /// <summary>Continue from the run folder's last checkpoint.</summary>
    public bool Resume { get; init; }

    /// <summary>
    /// Write ONNX Runtime's profiler traces (one JSON per session, chrome://tracing; tools/profile-summary.sh) with
    /// this path prefix; null = no profiling.
    /// </summary>
    public string? ProfilePrefix { get; init; }

    /// <summary>Stop after this many steps in this process (tests of resume); null = run to the end.</summary>
    public long? StopAfterSteps { get; init; }
}

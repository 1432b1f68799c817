using OrtAdapter.Build.Artifacts;

namespace OrtAdapter.Bench;

/// <summary>Benchmark W1 (REFERENCE.md): defaults are its exact definition.</summary>
public sealed class BenchOptions
{
    /// <summary>Encoder .onnx; null = ../shared/models/bench-l6-h384/model.onnx when present, else an identical-shape synthetic one.</summary>
    public string? Encoder { get; init; }

    /// <summary>Folder holding the shared models (looked up for bench-l6-h384). Default ../shared/models.</summary>
    public string SharedModels { get; init; } = Path.Combine("..", "shared", "models");

    /// <summary>Where generated encoders and built artifacts are cached. Default artifacts/.</summary>
    public string CacheRoot { get; init; } = "artifacts";

    public int BatchSize { get; init; } = 32;
    public int SequenceLength { get; init; } = 128;
    public int ReductionFactor { get; init; } = 16;
    public string Loss { get; init; } = "0.8*ce+0.2*infonce:temperature=0.05";
    public int WarmupSteps { get; init; } = 2;
    public int TimedSteps { get; init; } = 5;
    public string Device { get; init; } = "cpu";

    /// <summary>On CUDA, let MatMul use TF32 (off: strict float32).</summary>
    public bool CudaTf32 { get; init; }
    public int Threads { get; init; }
    /// <summary>The training graph's precision for the frozen base's MatMuls (<c>--base-precision</c>).</summary>
    public BasePrecision BasePrecision { get; init; }

    public bool FuseOptimizer { get; init; } = true;

    /// <summary>Write ONNX Runtime profiler traces with this path prefix; null = off.</summary>
    public string? ProfilePrefix { get; init; }
}

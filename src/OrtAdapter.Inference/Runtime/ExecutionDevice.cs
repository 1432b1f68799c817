using System.Globalization;
using Microsoft.ML.OnnxRuntime;

namespace OrtAdapter.Inference.Runtime;

/// <summary>
/// Where ONNX Runtime sessions run: "cpu", "cuda" or "cuda:N", for training and inference alike. On CUDA,
/// <see cref="AllowTf32"/> lets MatMul use TF32 tensor cores (faster, about 1e-3 relative error); off by default, so
/// CUDA computes in strict float32 like the CPU.
/// </summary>
public sealed record ExecutionDevice(bool IsCuda, int DeviceId, bool AllowTf32 = false)
{
    /// <summary>The CPU execution provider.</summary>
    public static readonly ExecutionDevice Cpu = new(false, 0);

    /// <summary>Parses "cpu", "cuda" or "cuda:N" (case and surrounding spaces ignored).</summary>
    /// <exception cref="ArgumentException">Anything else; the message names the value and the accepted forms.</exception>
    public static ExecutionDevice Parse(string text, bool allowTf32 = false)
    {
        ArgumentNullException.ThrowIfNull(text);
        var t = text.Trim().ToLowerInvariant();
        if (t == "cpu") return Cpu;
        if (t == "cuda") return new(true, 0, allowTf32);
        if (t.StartsWith("cuda:", StringComparison.Ordinal) && int.TryParse(t[5..], NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            return new(true, id, allowTf32);
        throw new ArgumentException($"--device '{text}': expected cpu, cuda or cuda:N.");
    }

    /// <summary>
    /// Session options for this device; <paramref name="threads"/> 0 means every core this process may use. On CUDA, fails with one
    /// line naming what is missing (the CUDA build of ONNX Runtime, or the CUDA 13 / cuDNN 9 library it could not load).
    /// </summary>
    public SessionOptions CreateSessionOptions(int threads)
    {
        // Errors only: ONNX Runtime's warnings (a CPU-placed shape op, an added copy) are advice, not faults of the run.
        var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL, LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR };
        try
        {
            // ONNX Runtime's own default counts physical cores as it reads them, which on a 2-vCPU machine gave one
            // thread (102 % CPU, 61.7 vs 106 samples/s with 2): "all cores" is what .NET says this process may use.
            options.IntraOpNumThreads = threads > 0 ? threads : Environment.ProcessorCount;
            // Memory patterns plan buffers per input shape; batches of other lengths each add a plan. Off, one default
            // MiniLM epoch peaked at 1.70 GB instead of 2.22 GB and ran at 83-86 instead of 77-78 samples/s.
            options.EnableMemoryPattern = false;
            if (IsCuda) CudaProvider.Append(options, this);
            return options;
        }
        catch
        {
            options.Dispose();
            throw;
        }
    }

    /// <summary>Fails at start, saying what to install, when this device cannot be used here.</summary>
    public void EnsureAvailable()
    {
        if (IsCuda) CudaProvider.EnsureBuiltIn(this);
    }

    /// <summary>Memory info of this device's default memory; a new native object for CUDA: the caller disposes it.</summary>
    public OrtMemoryInfo CreateMemoryInfo() => IsCuda
        ? new OrtMemoryInfo(OrtMemoryInfo.allocatorCUDA, OrtAllocatorType.DeviceAllocator, DeviceId, OrtMemType.Default)
        : OrtMemoryInfo.DefaultInstance;

    /// <summary>"cpu" or "cuda:N".</summary>
    public override string ToString() => IsCuda ? $"cuda:{DeviceId}" : "cpu";
}

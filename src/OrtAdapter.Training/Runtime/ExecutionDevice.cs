using Microsoft.ML.OnnxRuntime;

namespace OrtAdapter.Training.Runtime;

/// <summary>Where sessions run: "cpu", "cuda" or "cuda:N". Parameters and optimizer state live in this device's memory.</summary>
public sealed record ExecutionDevice(bool IsCuda, int DeviceId)
{
    public static readonly ExecutionDevice Cpu = new(false, 0);

    public static ExecutionDevice Parse(string text)
    {
        var t = text.Trim().ToLowerInvariant();
        if (t == "cpu") return Cpu;
        if (t == "cuda") return new(true, 0);
        if (t.StartsWith("cuda:", StringComparison.Ordinal) && int.TryParse(t[5..], out var id) && id >= 0) return new(true, id);
        throw new ArgumentException($"--device '{text}': expected cpu, cuda or cuda:N.");
    }

    /// <summary>Fails at start, saying what to install, when the native library has no CUDA provider.</summary>
    public void EnsureAvailable()
    {
        if (!IsCuda) return;
        string[] providers;
        try { providers = OrtEnv.Instance().GetAvailableProviders(); }
        catch (Exception e) when (e is OnnxRuntimeException or DllNotFoundException or EntryPointNotFoundException) { providers = []; }
        if (!providers.Contains("CUDAExecutionProvider"))
            throw new InvalidOperationException(
                $"--device {this}: the ONNX Runtime native library here has no CUDA execution provider (available: {string.Join(", ", providers)}). " +
                "Build with 'dotnet build -p:OrtGpu=true' (Microsoft.ML.OnnxRuntime.Gpu 1.31.1, the same version as the managed API) " +
                "and install CUDA 12 and cuDNN 9 on this machine.");
    }

    /// <summary>Session options for this device; <paramref name="threads"/> 0 lets ONNX Runtime choose.</summary>
    public SessionOptions CreateSessionOptions(int threads)
    {
        EnsureAvailable();
        var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        if (threads > 0) options.IntraOpNumThreads = threads;
        if (IsCuda) options.AppendExecutionProvider_CUDA(DeviceId);
        return options;
    }

    /// <summary>Memory info of the device where bound outputs (gradients) are placed; a new native object for CUDA: the caller disposes it.</summary>
    public OrtMemoryInfo MemoryInfo => IsCuda
        ? new OrtMemoryInfo(OrtMemoryInfo.allocatorCUDA, OrtAllocatorType.DeviceAllocator, DeviceId, OrtMemType.Default)
        : OrtMemoryInfo.DefaultInstance;

    public override string ToString() => IsCuda ? $"cuda:{DeviceId}" : "cpu";
}

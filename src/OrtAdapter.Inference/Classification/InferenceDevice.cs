using System.Globalization;
using Microsoft.ML.OnnxRuntime;

namespace OrtAdapter.Inference.Classification;

/// <summary>"cpu", "cuda" or "cuda:N", as training takes it; the library stands alone, so it parses its own.</summary>
internal sealed record InferenceDevice(bool IsCuda, int DeviceId)
{
    public static InferenceDevice Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var t = text.Trim().ToLowerInvariant();
        if (t == "cpu") return new(false, 0);
        if (t == "cuda") return new(true, 0);
        if (t.StartsWith("cuda:", StringComparison.Ordinal) && int.TryParse(t[5..], NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            return new(true, id);
        throw new ArgumentException($"Device '{text}': expected cpu, cuda or cuda:N.");
    }

    /// <summary>Session options for this device; fails, saying what to install, when the native library has no CUDA provider.</summary>
    public SessionOptions CreateSessionOptions(int threads)
    {
        if (IsCuda)
        {
            string[] providers;
            try { providers = OrtEnv.Instance().GetAvailableProviders(); }
            catch (Exception e) when (e is OnnxRuntimeException or DllNotFoundException or EntryPointNotFoundException) { providers = []; }
            if (!providers.Contains("CUDAExecutionProvider"))
                throw new InvalidOperationException(
                    $"Device {this}: the ONNX Runtime native library here has no CUDA execution provider (available: {string.Join(", ", providers)}). " +
                    "Reference Microsoft.ML.OnnxRuntime.Gpu 1.31.1 (in this repo: build with -p:OrtGpu=true) and install CUDA 12 and cuDNN 9.");
        }
        var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        try
        {
            if (threads > 0) options.IntraOpNumThreads = threads;
            if (IsCuda) options.AppendExecutionProvider_CUDA(DeviceId);
            return options;
        }
        catch
        {
            options.Dispose();
            throw;
        }
    }

    public override string ToString() => IsCuda ? $"cuda:{DeviceId}" : "cpu";
}

using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.ML.OnnxRuntime;

namespace OrtAdapter.Inference.Runtime;

/// <summary>
/// Appends ONNX Runtime's CUDA execution provider and turns its failures into one line that says what is missing.
/// The provider is a separate library (libonnxruntime_providers_cuda.so) that ORT loads at append time: it is listed
/// as available by any GPU build, and only loading it shows whether CUDA 13's libraries are on this machine.
/// </summary>
public static partial class CudaProvider
{
    const string Name = "CUDAExecutionProvider";
    const string Needs = "the CUDA build of ONNX Runtime 1.32 needs an NVIDIA driver for CUDA 13, the CUDA 13 runtime libraries " +
                         "(cudart, cuBLAS, cuBLASLt, cuRAND, cuFFT) and cuDNN 9";

    /// <summary>Fails, saying how to build with it, when this native library has no CUDA provider at all.</summary>
    public static void EnsureBuiltIn(ExecutionDevice device)
    {
        string[] providers;
        try { providers = OrtEnv.Instance().GetAvailableProviders(); }
        catch (Exception e) when (e is OnnxRuntimeException or DllNotFoundException or EntryPointNotFoundException) { providers = []; }
        if (!providers.Contains(Name))
            throw new InvalidOperationException(
                $"--device {device}: this ONNX Runtime native library has no CUDA execution provider (it has {string.Join(", ", providers)}); " +
                "build with -p:OrtGpu=true (Microsoft.ML.OnnxRuntime.Gpu.Linux 1.32.0, a CUDA 13 build).");
    }

    /// <summary>Appends the provider for <paramref name="device"/> (its id and TF32 setting) to <paramref name="options"/>.</summary>
    public static void Append(SessionOptions options, ExecutionDevice device)
    {
        EnsureBuiltIn(device);
        try
        {
            // The provider library is loaded by the first of these calls (its options object lives in it).
            using var cuda = new OrtCUDAProviderOptions();
            cuda.UpdateOptions(new Dictionary<string, string>
            {
                ["device_id"] = device.DeviceId.ToString(CultureInfo.InvariantCulture),
                ["use_tf32"] = device.AllowTf32 ? "1" : "0",
            });
            options.AppendExecutionProvider_CUDA(cuda);
        }
        catch (OnnxRuntimeException e) { throw new InvalidOperationException(Explain(device, e.Message), e); }
    }

    /// <summary>One line for a failure to load the provider: the shared library that could not be found, and what it belongs to.</summary>
    public static string Explain(ExecutionDevice device, string ortMessage)
    {
        var missing = MissingLibrary().Match(ortMessage);
        if (missing.Success)
            return $"--device {device}: ONNX Runtime's CUDA provider could not load {missing.Groups[1].Value} ({Part(missing.Groups[1].Value)}); " +
                   $"{Needs}: install them or add their folders to LD_LIBRARY_PATH.";
        var firstLine = ortMessage.Split('\n', 2)[0].Trim();
        return $"--device {device}: ONNX Runtime's CUDA provider failed to start ({firstLine}); {Needs}.";
    }

    static string Part(string soname) => soname switch
    {
        _ when soname.StartsWith("libcudnn", StringComparison.Ordinal) => "cuDNN 9",
        _ when soname.StartsWith("libcuda.so", StringComparison.Ordinal) => "the NVIDIA driver",
        _ when soname.StartsWith("libonnxruntime", StringComparison.Ordinal) => "ONNX Runtime's own CUDA provider library, shipped beside libonnxruntime.so",
        _ => "CUDA 13",
    };

    [GeneratedRegex(@"(lib[\w.+-]+?\.so(?:\.\d+)*): cannot open shared object file")]
    private static partial Regex MissingLibrary();
}

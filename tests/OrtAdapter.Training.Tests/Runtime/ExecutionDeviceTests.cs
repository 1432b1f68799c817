using Microsoft.ML.OnnxRuntime;
using OrtAdapter.Inference.Runtime;
using OrtAdapter.Training.Loop;
using OrtAdapter.Training.Runtime;
using OrtAdapter.Training.Tests.Loop;

namespace OrtAdapter.Training.Tests.Runtime;

[TestClass]
public sealed class ExecutionDeviceTests
{
    static bool CudaAvailable => OrtEnv.Instance().GetAvailableProviders().Contains("CUDAExecutionProvider");

    [TestMethod]
    public void ParsesDevices()
    {
        Assert.AreEqual(ExecutionDevice.Cpu, ExecutionDevice.Parse(" CPU "));
        Assert.AreEqual(new ExecutionDevice(true, 0), ExecutionDevice.Parse("cuda"));
        Assert.AreEqual(new ExecutionDevice(true, 1), ExecutionDevice.Parse("cuda:1"));
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => ExecutionDevice.Parse("gpu")).Message, "--device 'gpu': expected cpu, cuda or cuda:N");
        Assert.ThrowsExactly<ArgumentException>(() => ExecutionDevice.Parse("cuda:-1"));
    }

    [TestMethod]
    public void CudaWithoutTheProviderSaysWhatToInstall()
    {
        if (CudaAvailable) Assert.Inconclusive("This machine has the CUDA execution provider.");
        var e = Assert.ThrowsExactly<InvalidOperationException>(() => ExecutionDevice.Parse("cuda").EnsureAvailable());
        StringAssert.Contains(e.Message, "no CUDA execution provider");
        StringAssert.Contains(e.Message, "-p:OrtGpu=true (Microsoft.ML.OnnxRuntime.Gpu.Linux 1.32.0, a CUDA 13 build)");
        Assert.DoesNotContain("\n", e.Message);
        ExecutionDevice.Cpu.EnsureAvailable();
        // Session options fail the same way, before any session exists.
        Assert.ThrowsExactly<InvalidOperationException>(() => ExecutionDevice.Parse("cuda:1").CreateSessionOptions(0));
    }

    [TestMethod]
    [DataRow("libcublasLt.so.13", "CUDA 13")]
    [DataRow("libcudnn.so.9", "cuDNN 9")]
    [DataRow("libcuda.so.1", "the NVIDIA driver")]
    public void AProviderThatCannotLoadNamesTheMissingLibrary(string soname, string part)
    {
        // ONNX Runtime 1.32's words when the CUDA provider's dependencies are missing (seen on a machine without CUDA 13).
        var ort = "[ErrorCode:RuntimeException] /onnxruntime_src/onnxruntime/core/session/provider_bridge_ort.cc:1778 " +
                  "onnxruntime::Provider& onnxruntime::ProviderLibrary::Get() [ONNXRuntimeError] : 1 : FAIL : Failed to load library " +
                  $"libonnxruntime_providers_cuda.so with error: {soname}: cannot open shared object file: No such file or directory\n";
        var line = CudaProvider.Explain(new ExecutionDevice(true, 0), ort);
        StringAssert.StartsWith(line, $"--device cuda:0: ONNX Runtime's CUDA provider could not load {soname} ({part})");
        StringAssert.Contains(line, "LD_LIBRARY_PATH");
        Assert.DoesNotContain("\n", line);
    }

    [TestMethod]
    public void Tf32IsOffUnlessAskedFor()
    {
        Assert.IsFalse(ExecutionDevice.Parse("cuda").AllowTf32);
        Assert.IsTrue(ExecutionDevice.Parse("cuda:2", allowTf32: true).AllowTf32);
        Assert.AreEqual("cuda:2", ExecutionDevice.Parse("cuda:2", allowTf32: true).ToString());
        Assert.IsFalse(ExecutionDevice.Parse("cpu", allowTf32: true).AllowTf32);
    }

    [TestMethod]
    public void TrainsOnCuda()
    {
        if (!CudaAvailable) Assert.Inconclusive("No CUDA execution provider in this ONNX Runtime build (build with -p:OrtGpu=true on a CUDA machine).");
        using var run = new TinyRun();
        var o = new TrainOptions
        {
            Artifacts = run.Artifacts, TrainData = run.WriteToyData("train.jsonl", 32, seed: 1), DevData = run.WriteToyData("dev.jsonl", 16, seed: 2),
            RunDirectory = run.Combine("run"), Epochs = 2, BatchSize = 8, LearningRate = 1e-2, MaxLength = 16, Device = "cuda", Seed = 11,
        };
        var cuda = Trainer.Run(o, new QuietProgress());
        Assert.AreEqual(8L, cuda.Steps);
        Assert.IsTrue(cuda.BestDev.Values.All(double.IsFinite));
    }
}

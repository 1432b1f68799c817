using Microsoft.ML.OnnxRuntime;
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
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => ExecutionDevice.Parse("gpu")).Message, "cpu, cuda or cuda:N");
    }

    [TestMethod]
    public void CudaWithoutTheProviderSaysWhatToInstall()
    {
        if (CudaAvailable) Assert.Inconclusive("This machine has the CUDA execution provider.");
        var e = Assert.ThrowsExactly<InvalidOperationException>(() => ExecutionDevice.Parse("cuda").EnsureAvailable());
        StringAssert.Contains(e.Message, "no CUDA execution provider");
        StringAssert.Contains(e.Message, "Microsoft.ML.OnnxRuntime.Gpu");
        StringAssert.Contains(e.Message, "cuDNN");
        ExecutionDevice.Cpu.EnsureAvailable();
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

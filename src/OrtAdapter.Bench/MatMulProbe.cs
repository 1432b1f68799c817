using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using OrtAdapter.Inference.Runtime;
using OrtAdapter.Onnx;
using OrtAdapter.Onnx.Protobuf;
using OrtAdapter.Training.Runtime;
using DataType = OrtAdapter.Onnx.Protobuf.TensorProto.Types.DataType;

namespace OrtAdapter.Bench;

/// <summary>
/// ONNX Runtime's own GFLOP/s for one float MatMul [M x K] x [K x N] (weight constant), in this process, on the
/// device: the median of 31 runs after 2 warm-ups (one run is ~16 ms on 2 cores, so fewer runs let one scheduler
/// hiccup move the figure). On a GPU, input and output stay in device memory, so only the MatMul is timed.
/// </summary>
public static class MatMulProbe
{
    public static double GflopPerSecond(ExecutionDevice device, int m = 4096, int k = 384, int n = 1536, int threads = 0, int runs = 31)
    {
        var graph = RuntimeModel.Create("matmul");
        var rng = new Random(0);
        graph.AddInitializer(TensorData.FromFloats("w", Enumerable.Range(0, k * n).Select(_ => (float)rng.NextDouble() - 0.5f).ToArray(), k, n));
        graph.Proto.Input.Add(RuntimeModel.Value("x", (int)DataType.Float, [Dim.Of(m), Dim.Of(k)]));
        graph.Proto.Output.Add(new ValueInfoProto { Name = new OpBuilder(graph, "p").MatMul("x", "w") });
        var x = Enumerable.Range(0, m * k).Select(_ => (float)rng.NextDouble() - 0.5f).ToArray();
        return 2.0 * m * k * n / Time(graph.Model, device, threads, x, new float[m * n], m, k, n, runs) / 1e9;
    }

    /// <summary>
    /// Median seconds of one Run of a model from input <c>x</c> [m x k] to its one output [m x n] (written into
    /// <paramref name="y"/> on the CPU; on a GPU both stay in device memory and <paramref name="y"/> is untouched).
    /// </summary>
    internal static double Time(ModelProto model, ExecutionDevice device, int threads, float[] x, float[] y, int m, int k, int n, int runs)
    {
        using var options = device.CreateSessionOptions(threads);
        using var session = new InferenceSession(ModelFile.ToBytes(model), options);
        using var transfer = device.IsCuda ? new DeviceTransfer(device) : null;
        using var input = transfer?.Allocate([m, k]) ?? OrtValue.CreateTensorValueFromMemory(x, [m, k]);
        transfer?.Upload(x, input);
        using var output = transfer?.Allocate([m, n]) ?? OrtValue.CreateTensorValueFromMemory(y, [m, n]);
        using var binding = session.CreateIoBinding();
        binding.BindInput("x", input);
        binding.BindOutput(model.Graph.Output[0].Name, output);
        using var run = new RunOptions();
        var times = new List<double>();
        for (int i = 0; i < runs + 2; i++)
        {
            var sw = Stopwatch.StartNew();
            session.RunWithBinding(run, binding);
            binding.SynchronizeBoundOutputs();
            if (i >= 2) times.Add(sw.Elapsed.TotalSeconds);
        }
        return Median(times);
    }

    public static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }
}

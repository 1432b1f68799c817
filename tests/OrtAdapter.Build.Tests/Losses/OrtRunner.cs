using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using OrtAdapter.Testing.Checking;
using OrtAdapter.Onnx;
using OrtAdapter.Onnx.Protobuf;

namespace OrtAdapter.Build.Tests.Losses;

/// <summary>Runs a model once on ORT's CPU provider and returns the named outputs as doubles.</summary>
static class OrtRunner
{
    public static Dictionary<string, double[]> Run(ModelProto model, IReadOnlyList<TensorFeed> feeds, params string[] outputs)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 1, GraphOptimizationLevel = GraphOptimizationLevel.ORT_DISABLE_ALL };
        using var session = new InferenceSession(ModelFile.ToBytes(model), options);
        var values = feeds.Select(f => f.ToOrtValue()).ToList();
        try
        {
            using var runOptions = new RunOptions();
            using var results = session.Run(runOptions, feeds.Select(f => f.Name).ToList(), values, outputs);
            return outputs.Zip(results).ToDictionary(p => p.First, p => ToDoubles(p.Second));
        }
        finally
        {
            foreach (var v in values) v.Dispose();
        }
    }

    static double[] ToDoubles(OrtValue v) => v.GetTensorTypeAndShape().ElementDataType switch
    {
        TensorElementType.Float => [.. v.GetTensorDataAsSpan<float>().ToArray().Select(x => (double)x)],
        TensorElementType.Double => v.GetTensorDataAsSpan<double>().ToArray(),
        var t => throw new NotSupportedException($"Output of type {t}."),
    };
}

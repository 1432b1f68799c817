using Microsoft.ML.OnnxRuntime;
using OrtAdapter.Build.Optimizer;
using OrtAdapter.Onnx;
using OrtAdapter.Onnx.Protobuf;

namespace OrtAdapter.Build.Tests.Optimizer;

/// <summary>An ORT session over an optimizer or fused training graph, single-threaded so runs are reproducible.</summary>
sealed class OptimizerSession : IDisposable
{
    readonly SessionOptions _options = new() { IntraOpNumThreads = 1, InterOpNumThreads = 1 };
    readonly InferenceSession _session;

    public OptimizerSession(ModelProto model)
    {
        _session = new InferenceSession(ModelFile.ToBytes(model), _options);
    }

    /// <summary>Runs with float tensors plus the learning rate and step; returns every output as floats.</summary>
    public Dictionary<string, float[]> Run(IReadOnlyDictionary<string, (float[] Data, long[] Shape)> floats, float lr, long step)
    {
        var values = new List<OrtValue>();
        try
        {
            foreach (var name in _session.InputNames)
                values.Add(name switch
                {
                    AdamWNames.LearningRate => OrtValue.CreateTensorValueFromMemory(new[] { lr }, []),
                    AdamWNames.Step => OrtValue.CreateTensorValueFromMemory(new[] { step }, []),
                    _ => floats.TryGetValue(name, out var f) ? OrtValue.CreateTensorValueFromMemory(f.Data, f.Shape)
                        : throw new KeyNotFoundException($"No feed for input '{name}'."),
                });
            using var runOptions = new RunOptions();
            using var outputs = _session.Run(runOptions, _session.InputNames, values, _session.OutputNames);
            return _session.OutputNames.Zip(outputs).ToDictionary(p => p.First, p => p.Second.GetTensorDataAsSpan<float>().ToArray());
        }
        finally
        {
            foreach (var v in values) v.Dispose();
        }
    }

    /// <summary>Feeds for the standalone optimizer graph from the states and gradients.</summary>
    public static Dictionary<string, (float[], long[])> Feeds(IReadOnlyList<ParamState> ps, IReadOnlyList<float[]> grads)
    {
        var feeds = new Dictionary<string, (float[], long[])>(StringComparer.Ordinal);
        for (int k = 0; k < ps.Count; k++)
        {
            var p = ps[k];
            feeds[p.Name] = (p.Value, p.Shape);
            feeds[AdamWNames.Grad(p.Name)] = (grads[k], p.Shape);
            feeds[AdamWNames.ExpAvg(p.Name)] = (p.ExpAvg, p.Shape);
            feeds[AdamWNames.ExpAvgSq(p.Name)] = (p.ExpAvgSq, p.Shape);
        }
        return feeds;
    }

    /// <summary>Copies a step's outputs into the states, as the trainer does between steps.</summary>
    public static void Apply(IReadOnlyList<ParamState> ps, Dictionary<string, float[]> outputs)
    {
        foreach (var p in ps)
        {
            outputs[AdamWNames.Updated(p.Name)].CopyTo(p.Value, 0);
            outputs[AdamWNames.Updated(AdamWNames.ExpAvg(p.Name))].CopyTo(p.ExpAvg, 0);
            outputs[AdamWNames.Updated(AdamWNames.ExpAvgSq(p.Name))].CopyTo(p.ExpAvgSq, 0);
        }
    }

    public void Dispose()
    {
        _session.Dispose();
        _options.Dispose();
    }
}

using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using OrtAdapter.Autodiff;
using OrtAdapter.Onnx;
using OrtAdapter.Onnx.Protobuf;
using DataType = OrtAdapter.Onnx.Protobuf.TensorProto.Types.DataType;

namespace OrtAdapter.Testing.Checking;

/// <summary>
/// Compares the gradients <see cref="GradientBuilder"/> emits with central finite differences, both computed by
/// ONNX Runtime: the trainable initializers become graph inputs so they can be perturbed coordinate by coordinate.
/// </summary>
public static class GradientChecker
{
    public static GradientCheckReport Check(ModelProto model, string loss, IReadOnlyList<string> trainable,
        IReadOnlyList<TensorFeed> feeds, GradientCheckOptions? options = null)
    {
        options ??= GradientCheckOptions.Double;
        var forward = model.Clone();
        var values = PromoteToInputs(forward, trainable);
        EnsureOutput(forward, loss);

        var withGrads = new OnnxGraph(forward.Clone());
        var result = GradientBuilder.Build(withGrads, loss, trainable);

        using var sessionOptions = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_DISABLE_ALL };
        using var gradSession = new InferenceSession(ModelFile.ToBytes(withGrads.Model), sessionOptions);
        using var lossSession = new InferenceSession(ModelFile.ToBytes(forward), sessionOptions);

        var analytic = Run(gradSession, feeds, values, trainable.Select(t => result.Gradients[t]).ToList());
        var rng = new Random(options.Seed);
        var checks = new List<CoordinateCheck>();
        for (int k = 0; k < trainable.Count; k++)
        {
            var name = trainable[k];
            var tensor = values[name];
            var count = TensorData.ElementCount(tensor.Shape);
            foreach (var index in Sample(count, options.CoordinatesPerTensor, rng))
            {
                var plus = LossAt(lossSession, feeds, values, loss, name, index, +options.Step);
                var minus = LossAt(lossSession, feeds, values, loss, name, index, -options.Step);
                var numeric = (plus - minus) / (2 * options.Step);
                var a = analytic[k][index];
                var error = Math.Abs(a - numeric) / Math.Max(Math.Max(Math.Abs(a), Math.Abs(numeric)), options.Floor);
                checks.Add(new CoordinateCheck(name, index, a, numeric, error));
            }
        }
        return new GradientCheckReport(checks, options.Tolerance) { Fused = result.Fused };
    }

    /// <summary>Runs the graph with the gradient subgraph and returns the named outputs (gradients) as doubles.</summary>
    static List<double[]> Run(InferenceSession session, IReadOnlyList<TensorFeed> feeds, Dictionary<string, TensorFeed> values, List<string> outputs)
    {
        var all = feeds.Concat(values.Values).ToList();
        var inputs = all.Select(f => f.ToOrtValue()).ToList();
        try
        {
            // A named, disposed RunOptions stays reachable until Run returns: passed inline, the GC could finalize it
            // during a long Run and ONNX Runtime would read its freed config (a segfault in about 1 suite run in 4).
            using var runOptions = new RunOptions();
            using var results = session.Run(runOptions, all.Select(f => f.Name).ToList(), inputs, outputs);
            return results.Select(ToDoubles).ToList();
        }
        finally
        {
            foreach (var v in inputs) v.Dispose();
        }
    }

    static double LossAt(InferenceSession session, IReadOnlyList<TensorFeed> feeds, Dictionary<string, TensorFeed> values,
        string loss, string name, long index, double delta)
    {
        var original = values[name];
        var shifted = original with { Data = (Array)original.Data.Clone() };
        switch (shifted.Data)
        {
            case float[] f: f[index] = (float)(f[index] + delta); break;
            case double[] d: d[index] += delta; break;
        }
        var copy = new Dictionary<string, TensorFeed>(values) { [name] = shifted };
        var outputs = Run(session, feeds, copy, [loss]);
        return outputs[0].Sum();
    }

    static double[] ToDoubles(OrtValue v) => v.GetTensorTypeAndShape().ElementDataType switch
    {
        TensorElementType.Float => v.GetTensorDataAsSpan<float>().ToArray().Select(x => (double)x).ToArray(),
        TensorElementType.Double => v.GetTensorDataAsSpan<double>().ToArray(),
        var t => throw new NotSupportedException($"Cannot compare gradients of type {t}."),
    };

    static Dictionary<string, TensorFeed> PromoteToInputs(ModelProto model, IReadOnlyList<string> trainable)
    {
        var values = new Dictionary<string, TensorFeed>(StringComparer.Ordinal);
        foreach (var name in trainable)
        {
            var init = model.Graph.Initializer.FirstOrDefault(t => t.Name == name)
                ?? throw new GradientException($"Trainable value '{name}' is not an initializer of the model.");
            model.Graph.Initializer.Remove(init);
            if (model.Graph.Input.All(i => i.Name != name))
                model.Graph.Input.Add(new ValueInfoProto { Name = name, Type = TensorType.From(init).ToTypeProto() });
            Array data = (DataType)init.DataType switch
            {
                DataType.Float => TensorData.ToFloats(init),
                DataType.Double => TensorData.ToDoubles(init),
                _ => throw new GradientException($"Trainable value '{name}' is {DataTypes.Name(init.DataType)}; only float and double can be checked."),
            };
            values[name] = new TensorFeed(name, data, [.. init.Dims]);
        }
        return values;
    }

    static void EnsureOutput(ModelProto model, string loss)
    {
        if (model.Graph.Output.Any(o => o.Name == loss)) return;
        model.Graph.Output.Add(new ValueInfoProto { Name = loss });
    }

    static IEnumerable<long> Sample(long count, int max, Random rng)
    {
        if (count <= max) return Enumerable.Range(0, (int)count).Select(i => (long)i);
        var picked = new SortedSet<long>();
        while (picked.Count < max) picked.Add(rng.NextInt64(count));
        return picked;
    }
}

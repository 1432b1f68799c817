using OrtAdapter.Onnx;

namespace OrtAdapter.Build.Tests.Surgery;

/// <summary>The repository's encoders, loaded once and handed out as fresh copies (tests edit them).</summary>
static class SurgeryModels
{
    static readonly Dictionary<string, OrtAdapter.Onnx.Protobuf.ModelProto> Cache = new(StringComparer.Ordinal);

    public static OnnxGraph Load(string model, string file)
    {
        var path = RepoPaths.Graphs(model, file);
        OrtAdapter.Onnx.Protobuf.ModelProto proto;
        lock (Cache)
        {
            if (!Cache.TryGetValue(path, out proto!)) Cache[path] = proto = MakeNonDegenerate(ModelFile.Load(path));
        }
        return new OnnxGraph(proto.Clone());
    }

    // The shared distilbert-style export stores every 1-D parameter as zeros (one deduplicated tensor that serves as
    // every layer norm's gamma and beta and every bias), so every layer norm outputs zeros and nothing downstream
    // depends on the path. Give those tensors random values (same in the base and the adapted copies).
    static OrtAdapter.Onnx.Protobuf.ModelProto MakeNonDegenerate(OrtAdapter.Onnx.Protobuf.ModelProto model)
    {
        var rng = new Random(42);
        foreach (var t in model.Graph.Initializer.Where(t => t.Dims.Count == 1 && t.DataType == 1))
        {
            var values = TensorData.ToFloats(t);
            if (values.Any(v => v != 0)) continue;
            for (int i = 0; i < values.Length; i++) values[i] = 1f + 0.2f * (float)(rng.NextDouble() - 0.5);
            t.RawData = TensorData.FromFloats(t.Name, values, [.. t.Dims]).RawData;
            t.FloatData.Clear();
        }
        return model;
    }
}

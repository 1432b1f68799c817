using OrtAdapter.Build.Surgery;
using OrtAdapter.Onnx;
using OrtAdapter.Onnx.Protobuf;

namespace OrtAdapter.Build.Export;

/// <summary>Gives one reader of a constant weight new values (merged or folded adapters), computed in double.</summary>
internal static class WeightRewrite
{
    /// <summary>
    /// <paramref name="reader"/>'s input <paramref name="slot"/> (now <paramref name="weight"/>) reads
    /// <paramref name="values"/> in the weight's element type. A weight shared with another reader keeps its value
    /// there; this reader gets its own copy.
    /// </summary>
    public static void Set(OnnxGraph g, NodeProto reader, int slot, TensorProto weight, double[] values, string copySuffix)
    {
        var name = weight.Name;
        if (g.Consumers(name).Count > 1)
        {
            name = g.UniqueName(name + copySuffix);
            reader.Input[slot] = name;
            g.Invalidate();
        }
        else g.RemoveInitializer(name);
        g.AddInitializer(WeightInit.Make(name, weight.DataType, values, [.. weight.Dims]));
    }
}

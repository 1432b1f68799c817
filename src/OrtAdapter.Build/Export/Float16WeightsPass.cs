using OrtAdapter.Onnx;
using OrtAdapter.Onnx.Protobuf;
using DataType = OrtAdapter.Onnx.Protobuf.TensorProto.Types.DataType;

namespace OrtAdapter.Build.Export;

/// <summary>
/// Stores float weights as float16, each followed by a Cast back to float under the weight's own name. The graph
/// computes in float as before, so every op keeps its CPU kernel (ONNX Runtime's CPU provider lacks float16
/// kernels for several encoder ops); ONNX Runtime folds the Casts when it loads the model. Halves the file.
/// Small tensors (scalars, shape constants) and values outside float16's range stay float.
/// </summary>
public static class Float16WeightsPass
{
    /// <summary>Float tensors with fewer elements than this stay float. 256 = one hidden-size vector of a small model.</summary>
    public const int MinElements = 256;

    /// <summary>Returns how many initializers were converted.</summary>
    public static int Apply(OnnxGraph graph)
    {
        int converted = 0;
        foreach (var t in graph.Initializers.Where(t => t.DataType == (int)DataType.Float && TensorData.ElementCount(t.Dims) >= MinElements).ToList())
        {
            if (graph.IsGraphInput(t.Name) || graph.IsGraphOutput(t.Name)) continue;
            var values = TensorData.ToFloats(t);
            if (values.Any(v => !float.IsFinite(v) || Math.Abs(v) > (float)Half.MaxValue)) continue;
            var name = t.Name;
            var half = TensorData.FromHalfs(graph.UniqueName(name + ".fp16"), Array.ConvertAll(values, v => (Half)v), [.. t.Dims]);
            graph.RemoveInitializer(name);
            graph.AddInitializer(half);
            var cast = new NodeProto { OpType = OpTypes.Cast, Name = graph.UniqueName(name + "/to_float") };
            cast.Input.Add(half.Name);
            cast.Output.Add(name);
            cast.Attribute.Add(Attr.Int("to", (long)DataType.Float));
            graph.AddNode(cast);
            converted++;
        }
        graph.CleanupAndSort();
        return converted;
    }
}

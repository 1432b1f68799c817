using OrtAdapter.Onnx;
using OrtAdapter.Onnx.Protobuf;
using DataType = OrtAdapter.Onnx.Protobuf.TensorProto.Types.DataType;

namespace OrtAdapter.Build.Export;

/// <summary>
/// Dynamic 8-bit quantization of MatMuls with a constant 2-D float weight, in standard ops:
/// <c>MatMul(x, W)</c> becomes <c>DynamicQuantizeLinear(x) → MatMulInteger(xq, Wq, x_zp, W_zp) → Cast(float) →
/// Mul(x_scale · W_scale)</c>. Activations are uint8 per tensor (what DynamicQuantizeLinear gives); weights are
/// uint8, asymmetric, per output column (zero point and scale of length N, which MatMulInteger and the Mul
/// broadcast accept). uint8 weights rather than int8 because the CPU's u8·s8 kernels on machines without VNNI
/// can saturate 16-bit pair sums; u8·u8 does not. Activations read by several MatMuls are quantized once.
/// With <c>transposedWeights</c> (a training graph's frozen base, <c>--base-precision int8</c>) a MatMul whose weight
/// is <c>Transpose(W)</c> of a constant 2-D W (the backward pass's input gradient dY·Wᵀ) is quantized too, from Wᵀ
/// computed here: the Transpose and, where nothing else reads it, the float W leave the graph.
/// </summary>
public static class Int8MatMulPass
{
    /// <summary>Returns how many MatMuls were quantized.</summary>
    public static int Apply(OnnxGraph graph, bool transposedWeights = false)
    {
        if (graph.OpsetVersion() < 11) throw new ExportException($"int8 MatMuls need opset ≥ 11 (DynamicQuantizeLinear); the model imports {graph.OpsetVersion()}.");
        var quantized = new Dictionary<string, (string Q, string Scale, string ZeroPoint)>(StringComparer.Ordinal);
        var types = ShapeInference.Infer(graph);
        int count = 0;
        foreach (var node in graph.Nodes.Where(n => n.OpType == OpTypes.MatMul && n.Domain.Length == 0).ToList())
        {
            var x = node.Input[0];
            if (ConstantWeight(graph, node.Input[1], transposedWeights) is not { } w || graph.IsInitializer(x)) continue;
            if (types.GetValueOrDefault(x) is not { ElemType: (int)DataType.Float }) continue;
            var b = new OpBuilder(graph, node.Name + "/int8");
            if (!quantized.TryGetValue(x, out var xq))
            {
                var dq = b.Node(OpTypes.DynamicQuantizeLinear, [x], 3);
                quantized[x] = xq = (dq.Output[0], dq.Output[1], dq.Output[2]);
            }
            var (wq, wScale, wZero) = QuantizeColumns(w);
            var product = b.Op(OpTypes.MatMulInteger, [xq.Q, b.Constant(wq), xq.ZeroPoint, b.Constant(wZero)]);
            var scale = b.Mul(xq.Scale, b.Constant(wScale));
            var mul = new NodeProto { OpType = OpTypes.Mul, Name = graph.UniqueName(node.Name + "/int8/rescale") };
            mul.Input.Add(b.Cast(product, (int)DataType.Float));
            mul.Input.Add(scale);
            mul.Output.Add(node.Output[0]);
            graph.RemoveNode(node);
            graph.AddNode(mul);
            count++;
        }
        graph.CleanupAndSort();
        return count;
    }

    /// <summary>The 2-D float weight a MatMul multiplies by: an initializer, or the transpose of one.</summary>
    static TensorProto? ConstantWeight(OnnxGraph graph, string input, bool transposed)
    {
        if (graph.Initializer(input) is { Dims.Count: 2, DataType: (int)DataType.Float } w) return w;
        if (!transposed || graph.Producer(input) is not { OpType: OpTypes.Transpose } t) return null;
        if (graph.Initializer(t.Input[0]) is not { Dims.Count: 2, DataType: (int)DataType.Float } source) return null;
        var perm = t.Attribute.FirstOrDefault(a => a.Name == "perm")?.Ints;
        if (perm is not null && !perm.SequenceEqual([1L, 0L])) return null;
        var (rows, cols) = ((int)source.Dims[0], (int)source.Dims[1]);
        var values = TensorData.ToFloats(source);
        var transposedValues = new float[values.Length];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++) transposedValues[j * rows + i] = values[i * cols + j];
        return TensorData.FromFloats("", transposedValues, cols, rows);
    }

    /// <summary>Per column n: the range [min(0, min W[:, n]), max(0, max W[:, n])] mapped onto 0..255.</summary>
    static (TensorProto Q, TensorProto Scale, TensorProto ZeroPoint) QuantizeColumns(TensorProto weight)
    {
        var w = TensorData.ToFloats(weight);
        int rows = (int)weight.Dims[0], cols = (int)weight.Dims[1];
        var q = new byte[w.Length];
        var scales = new float[cols];
        var zeros = new byte[cols];
        for (int j = 0; j < cols; j++)
        {
            float lo = 0, hi = 0;
            for (int i = 0; i < rows; i++) { lo = Math.Min(lo, w[i * cols + j]); hi = Math.Max(hi, w[i * cols + j]); }
            var scale = hi > lo ? (hi - lo) / 255f : 1f;
            var zero = (byte)Math.Clamp(MathF.Round(-lo / scale), 0, 255);
            scales[j] = scale;
            zeros[j] = zero;
            for (int i = 0; i < rows; i++) q[i * cols + j] = (byte)Math.Clamp(MathF.Round(w[i * cols + j] / scale) + zero, 0, 255);
        }
        return (TensorData.Create<byte>("", q, rows, cols), TensorData.Create<float>("", scales, cols), TensorData.Create<byte>("", zeros, cols));
    }
}

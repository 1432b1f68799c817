using OrtAdapter.Onnx;
using OrtAdapter.Onnx.Protobuf;
using DataType = OrtAdapter.Onnx.Protobuf.TensorProto.Types.DataType;

namespace OrtAdapter.Testing.Checking;

/// <summary>
/// Turns a float graph into its double-precision twin, for gradient checks at 1e-6: in float, central differences
/// through a whole encoder and loss cannot resolve coordinates of ~1e-3 (the float loss's rounding noise over 2h is of
/// that order), so a float check fails on correct gradients. Every float tensor, Cast and type becomes double; ONNX
/// Runtime has no double Erf, so each Erf(u) becomes tanh(u·(2/√π)·(1 + 0.089430·u²)), GELU's smooth tanh form.
/// For checking only: the twin computes a slightly different function.
/// </summary>
public static class DoublePrecisionTwin
{
    public static void Apply(OnnxGraph g)
    {
        static TensorProto ToDouble(TensorProto t) => t.DataType == (int)DataType.Float
            ? TensorData.FromDoubles(t.Name, [.. TensorData.ToFloats(t).Select(v => (double)v)], [.. t.Dims]) : t;
        var inits = g.Proto.Initializer.Select(ToDouble).ToList();
        g.Proto.Initializer.Clear();
        g.Proto.Initializer.AddRange(inits);
        foreach (var v in g.Proto.Input.Concat(g.Proto.Output).Concat(g.Proto.ValueInfo))
            if (v.Type?.TensorType is { ElemType: (int)DataType.Float } tt) tt.ElemType = (int)DataType.Double;
        foreach (var n in g.Nodes)
            foreach (var a in n.Attribute)
            {
                if (a.T is not null) a.T = ToDouble(a.T);
                if (n.OpType == OpTypes.Cast && a.Name == "to" && a.I == (int)DataType.Float) a.I = (int)DataType.Double;
                if (n.OpType == OpTypes.Constant && a.Name == "value_float") { a.Name = "value"; a.Type = AttributeProto.Types.AttributeType.Tensor; a.T = TensorData.Scalar("", (double)a.F); a.F = 0; }
            }
        var b = new OpBuilder(g, "erf_as_tanh");
        foreach (var erf in g.Nodes.Where(n => n.OpType == OpTypes.Erf).ToList())
        {
            var u = erf.Input[0];
            var inner = b.Add(b.Scalar(1.0, (int)DataType.Double), b.Mul(b.Scalar(2 * 0.044715, (int)DataType.Double), b.Mul(u, u)));
            var arg = b.Mul(b.Mul(u, b.Scalar(2 / Math.Sqrt(Math.PI), (int)DataType.Double)), inner);
            g.RemoveNode(erf);
            g.AddNode(new NodeProto { OpType = OpTypes.Tanh, Name = erf.Name + "/tanh", Input = { arg }, Output = { erf.Output[0] } });
        }
        g.TopologicalSort();
    }
}

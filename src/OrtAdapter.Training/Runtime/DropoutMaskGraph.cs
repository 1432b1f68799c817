using OrtAdapter.Build.Artifacts;
using OrtAdapter.Onnx;
using OrtAdapter.Onnx.Protobuf;
using static OrtAdapter.Training.Runtime.DropoutMaskGenerator;
using DataType = OrtAdapter.Onnx.Protobuf.TensorProto.Types.DataType;

namespace OrtAdapter.Training.Runtime;

/// <summary>
/// <see cref="DropoutMaskGenerator"/> as an ONNX graph, so that a GPU makes its own masks: per site, inputs
/// <c>{mask}/count</c> (int32 scalar), <c>{mask}/shape</c> (int64 [rank]) and <c>{mask}/key0</c>, <c>{mask}/key1</c>
/// (uint32 scalars) — a few bytes a step instead of the masks themselves — and one output named like the training
/// graph's mask input. Range → Cast to uint32 → the hash (Mul, Add, and the 16-bit rotation as Div by 2¹⁶ plus Mul
/// by 2¹⁶, all wrapping uint32 arithmetic, exact on every provider) → Less than the threshold → Where 0 or
/// 1/(1-rate) → Reshape.
/// </summary>
public static class DropoutMaskGraph
{
    public static string Count(string mask) => mask + "/count";
    public static string Shape(string mask) => mask + "/shape";
    public static string Key0(string mask) => mask + "/key0";
    public static string Key1(string mask) => mask + "/key1";

    public static ModelProto Build(IReadOnlyList<DropoutMaskSpec> sites)
    {
        var graph = RuntimeModel.Create("dropout_masks");
        var b = new OpBuilder(graph, "masks");
        const int u32 = (int)DataType.Uint32;
        string U32(uint v) => b.Constant(TensorData.Scalar("", v));
        foreach (var site in sites)
        {
            CheckRate(site.Rate);
            var m = site.Input;
            graph.Proto.Input.Add(RuntimeModel.Value(Count(m), (int)DataType.Int32, []));
            graph.Proto.Input.Add(RuntimeModel.Value(Shape(m), (int)DataType.Int64, [Dim.Of(site.Dims.Count)]));
            graph.Proto.Input.Add(RuntimeModel.Value(Key0(m), u32, []));
            graph.Proto.Input.Add(RuntimeModel.Value(Key1(m), u32, []));
            graph.Proto.Output.Add(RuntimeModel.Value(m, (int)DataType.Float, site.Dims.Select(d => long.TryParse(d, out var v) ? Dim.Of(v) : Dim.Named(d)).ToList()));
            graph.Invalidate();

            var s = b.WithScope(m);
            var index = s.Cast(s.Range(s.Scalar(0, (int)DataType.Int32), Count(m), s.Scalar(1, (int)DataType.Int32)), u32);
            // The two halves of the rotation share no bits, so their sum is their OR.
            string Rotate16(string x) => s.Add(s.Div(x, U32(1u << 16)), s.Mul(x, U32(1u << 16)));
            var y = s.Mul(s.Add(index, Key0(m)), U32(WeylStep));
            var z = s.Add(y, Key1(m));
            var hash = y;
            for (int r = 0; r < Rounds; r++) hash = Rotate16(s.Add(s.Mul(hash, hash), r % 2 == 0 ? y : z));
            var dropped = s.Less(hash, U32(Threshold(site.Rate)));
            var mask = s.Where(dropped, s.Scalar(0, (int)DataType.Float), s.Scalar(Scale(site.Rate), (int)DataType.Float));
            graph.AddNode(new NodeProto { OpType = OpTypes.Reshape, Name = $"{m}/Reshape", Input = { mask, Shape(m) }, Output = { m } });
        }
        graph.CleanupAndSort();
        return graph.Model;
    }
}

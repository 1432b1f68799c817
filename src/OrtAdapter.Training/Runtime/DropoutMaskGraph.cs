using OrtAdapter.Build.Artifacts;
using OrtAdapter.Onnx;
using OrtAdapter.Onnx.Protobuf;
using static OrtAdapter.Training.Runtime.DropoutMaskGenerator;
using DataType = OrtAdapter.Onnx.Protobuf.TensorProto.Types.DataType;

namespace OrtAdapter.Training.Runtime;

/// <summary>
/// <see cref="DropoutMaskGenerator"/> as an ONNX graph, so that a GPU makes its own masks. Inputs: <see cref="Key0"/>
/// and <see cref="Key1"/> (uint32 scalars) and per site <c>{mask}/start</c>, <c>{mask}/end</c> (int32 scalars: its
/// range of the step's stream) and <c>{mask}/shape</c> (int64 [rank]) — a few bytes a step instead of the masks. Per
/// site: Range → Cast to uint32 → the hash (Mul, Add, and the 16-bit rotation as Div by 2¹⁶ plus Mul by 2¹⁶: wrapping
/// uint32 arithmetic, exact on every provider) → Less than the threshold → Not → Cast to uint8 (1 = kept) → Reshape to an
/// output named like the training graph's mask input. (One Range over the whole stream and a Split made the CUDA
/// step 2.7x slower than a pass per site.)
/// </summary>
public static class DropoutMaskGraph
{
    public const string Key0 = "dropout/key0", Key1 = "dropout/key1";

    public static string Start(string mask) => mask + "/start";
    public static string End(string mask) => mask + "/end";
    public static string Shape(string mask) => mask + "/shape";

    public static ModelProto Build(IReadOnlyList<DropoutMaskSpec> sites)
    {
        var graph = RuntimeModel.Create("dropout_masks");
        const int u32 = (int)DataType.Uint32, i32 = (int)DataType.Int32;
        graph.Proto.Input.Add(RuntimeModel.Value(Key0, u32, []));
        graph.Proto.Input.Add(RuntimeModel.Value(Key1, u32, []));
        foreach (var site in sites)
        {
            CheckRate(site.Rate);
            graph.Proto.Input.Add(RuntimeModel.Value(Start(site.Input), i32, []));
            graph.Proto.Input.Add(RuntimeModel.Value(End(site.Input), i32, []));
            graph.Proto.Input.Add(RuntimeModel.Value(Shape(site.Input), (int)DataType.Int64, [Dim.Of(site.Dims.Count)]));
            graph.Proto.Output.Add(RuntimeModel.Value(site.Input, (int)DataType.Uint8, site.Dims.Select(d => long.TryParse(d, out var v) ? Dim.Of(v) : Dim.Named(d)).ToList()));
        }
        graph.Invalidate();

        var b = new OpBuilder(graph, "dropout");
        string U32(uint v) => b.Constant(TensorData.Scalar("", v));
        foreach (var site in sites)
        {
            var s = b.WithScope(site.Input);
            // The two halves of the rotation share no bits, so their sum is their OR.
            string Rotate16(string x) => s.Add(s.Div(x, U32(1u << 16)), s.Mul(x, U32(1u << 16)));
            var index = s.Cast(s.Range(Start(site.Input), End(site.Input), s.Scalar(1, i32)), u32);
            var y = s.Mul(s.Add(index, Key0), U32(WeylStep));
            var z = s.Add(y, Key1);
            var hash = y;
            for (int r = 0; r < Rounds; r++) hash = Rotate16(s.Add(s.Mul(hash, hash), r % 2 == 0 ? y : z));
            var dropped = s.Less(hash, U32(Threshold(site.Rate)));
            var mask = s.Cast(s.Op(OpTypes.Not, [dropped]), (int)DataType.Uint8);
            graph.AddNode(new NodeProto { OpType = OpTypes.Reshape, Name = $"{site.Input}/Reshape", Input = { mask, Shape(site.Input) }, Output = { site.Input } });
        }
        graph.CleanupAndSort();
        return graph.Model;
    }
}

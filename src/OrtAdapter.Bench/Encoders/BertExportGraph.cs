using OrtAdapter.Onnx;
using OrtAdapter.Onnx.Protobuf;

namespace OrtAdapter.Bench.Encoders;

/// <summary>
/// The nodes of a PyTorch 2.6 torch.onnx.export of HuggingFace BertModel, in the exporter's order and with its
/// names: extended attention mask, embeddings, the layers (head reshapes computed from Shape/Gather/Unsqueeze/Concat
/// as traced), the pooler. Argument lists are written in the order the exporter creates their producers (C#
/// evaluates them left to right), so node order follows the export too.
/// </summary>
static class BertExportGraph
{
    static readonly AttributeProto Axis0 = Attr.Int("axis", 0);

    public static void Emit(ExportNodeWriter w, SyntheticEncoderOptions o, TorchExportNumbering numbering)
    {
        var (cls, mask) = ExtendedMask(w);
        var hidden = Embeddings(w, o, numbering);
        for (int l = 0; l < o.Layers; l++)
            hidden = Layer(w, o, numbering, l, hidden, mask, output: l == o.Layers - 1 ? "last_hidden_state" : null);
        var first = w.Op("/pooler", OpTypes.Gather, [hidden, cls], Attr.Int("axis", 1));
        var dense = w.Op("/pooler/dense", OpTypes.Gemm, [first, "pooler.dense.weight", "pooler.dense.bias"],
            Attr.Float("alpha", 1f), Attr.Float("beta", 1f), Attr.Int("transB", 1));
        w.Op("/pooler/activation", OpTypes.Tanh, [dense], "pooler_output");
    }

    /// <summary>(1 - mask[:, None, None, :]) * float.MinValue; also the scalar 0 the pooler uses to pick [CLS].</summary>
    static (string Cls, string Mask) ExtendedMask(ExportNodeWriter w)
    {
        const string s = "";
        var zero = w.Constant(s, I64(0));
        var unsqueezed = w.Op(s, OpTypes.Unsqueeze, ["attention_mask", w.Constant(s, I64s(1))]);
        unsqueezed = w.Op(s, OpTypes.Unsqueeze, [unsqueezed, w.Constant(s, I64s(2))]);
        var cast = w.Op(s, OpTypes.Cast, [unsqueezed], Attr.Int("to", (int)TensorProto.Types.DataType.Float));
        var inverted = w.Op(s, OpTypes.Sub, [w.Constant(s, F32(1f)), cast]);
        return (zero, w.Op(s, OpTypes.Mul, [inverted, w.Constant(s, F32(float.MinValue))]));
    }

    static string Embeddings(ExportNodeWriter w, SyntheticEncoderOptions o, TorchExportNumbering numbering)
    {
        const string s = "/embeddings";
        var length = w.Op(s, OpTypes.Gather, [w.Op(s, OpTypes.Shape, ["input_ids"]), w.Constant(s, I64(1))], Axis0);
        var positionBuffer = w.LooseConstant(numbering.PositionIds,
            TensorData.Create<long>("", Enumerable.Range(0, o.MaxPositions).Select(i => (long)i).ToArray(), 1, o.MaxPositions));
        var axes = w.Constant(s, I64s(1));
        var starts = w.Constant(s, I64s(0));
        var ends = w.Op(s, OpTypes.Unsqueeze, [length, w.Constant(s, I64s(0))]);
        var positionIds = w.Op(s, OpTypes.Slice, [positionBuffer, starts, ends, axes, w.Constant(s, I64s(1))]);
        var words = w.Op(s + "/word_embeddings", OpTypes.Gather, ["embeddings.word_embeddings.weight", "input_ids"]);
        var types = w.Op(s + "/token_type_embeddings", OpTypes.Gather, ["embeddings.token_type_embeddings.weight", "token_type_ids"]);
        var sum = w.Op(s, OpTypes.Add, [words, types]);
        var positions = w.Op(s + "/position_embeddings", OpTypes.Gather, ["embeddings.position_embeddings.weight", positionIds]);
        sum = w.Op(s, OpTypes.Add, [sum, positions]);
        return LayerNorm(w, o, s + "/LayerNorm", "embeddings.LayerNorm", sum);
    }

    static string Layer(ExportNodeWriter w, SyntheticEncoderOptions o, TorchExportNumbering numbering, int l, string x, string mask, string? output)
    {
        var s = $"/encoder/layer.{l}/attention/self";
        var p = $"encoder.layer.{l}.";

        // [B, S, H] -> [B, S, heads, d], the target shape built from the projection's own Shape as traced.
        string SplitHeads(LinearSite site, string module, int pair)
        {
            var projected = Linear(w, $"{s}/{module}", x, numbering.MatMulWeight(l, site), $"{p}attention.self.{module}.bias");
            var batch = w.Op(s, OpTypes.Gather, [w.Op(s, OpTypes.Shape, [projected]), w.Constant(s, I64(0))], Axis0);
            var length = w.Op(s, OpTypes.Gather, [w.Op(s, OpTypes.Shape, [projected]), w.Constant(s, I64(1))], Axis0);
            var shape = w.Op(s, OpTypes.Concat,
                [
                    w.Op(s, OpTypes.Unsqueeze, [batch, w.LooseConstant(numbering.UnsqueezeAxes(l, 2 * pair), I64s(0))]),
                    w.Op(s, OpTypes.Unsqueeze, [length, w.LooseConstant(numbering.UnsqueezeAxes(l, 2 * pair + 1), I64s(0))]),
                    w.Constant(s, I64s(o.Heads)), w.Constant(s, I64s(o.HeadSize)),
                ], Axis0);
            return w.Op(s, OpTypes.Reshape, [projected, shape], Attr.Int("allowzero", 0));
        }

        var query = w.Op(s, OpTypes.Transpose, [SplitHeads(LinearSite.Query, "query", 0)], Perm(0, 2, 1, 3));
        var key = SplitHeads(LinearSite.Key, "key", 1);
        var value = w.Op(s, OpTypes.Transpose, [SplitHeads(LinearSite.Value, "value", 2)], Perm(0, 2, 1, 3));
        var keyT = w.Op(s, OpTypes.Transpose, [key], Perm(0, 2, 3, 1));
        var scores = w.Op(s, OpTypes.MatMul, [query, keyT]);
        scores = w.Op(s, OpTypes.Div, [scores, w.Constant(s, F32((float)Math.Sqrt(o.HeadSize)))]);
        scores = w.Op(s, OpTypes.Add, [scores, mask]);
        var probabilities = w.Op(s, OpTypes.Softmax, [scores], Attr.Int("axis", -1));
        var context = w.Op(s, OpTypes.Transpose, [w.Op(s, OpTypes.MatMul, [probabilities, value])], Perm(0, 2, 1, 3));
        var batch = w.Op(s, OpTypes.Gather, [w.Op(s, OpTypes.Shape, [context]), w.Constant(s, I64(0))], Axis0);
        var length = w.Op(s, OpTypes.Gather, [w.Op(s, OpTypes.Shape, [context]), w.Constant(s, I64(1))], Axis0);
        var merged = w.Op(s, OpTypes.Concat,
            [
                w.Op(s, OpTypes.Unsqueeze, [batch, w.LooseConstant(numbering.UnsqueezeAxes(l, 6), I64s(0))]),
                w.Op(s, OpTypes.Unsqueeze, [length, w.LooseConstant(numbering.UnsqueezeAxes(l, 7), I64s(0))]),
                w.Constant(s, I64s(o.Hidden)),
            ], Axis0);
        context = w.Op(s, OpTypes.Reshape, [context, merged], Attr.Int("allowzero", 0));

        var a = $"/encoder/layer.{l}/attention/output";
        var attended = Linear(w, a + "/dense", context, numbering.MatMulWeight(l, LinearSite.AttentionOutput), p + "attention.output.dense.bias");
        attended = LayerNorm(w, o, a + "/LayerNorm", p + "attention.output.LayerNorm", w.Op(a, OpTypes.Add, [attended, x]));

        // GELU as BERT's exact erf form: x * 0.5 * (1 + erf(x / sqrt 2)), traced as ((x * (erf(x / √2) + 1)) * 0.5).
        var i = $"/encoder/layer.{l}/intermediate";
        var inner = Linear(w, i + "/dense", attended, numbering.MatMulWeight(l, LinearSite.Intermediate), p + "intermediate.dense.bias");
        var erf = w.Op(i, OpTypes.Erf, [w.Op(i, OpTypes.Div, [inner, w.Constant(i, F32((float)Math.Sqrt(2)))])]);
        var gelu = w.Op(i, OpTypes.Mul, [inner, w.Op(i, OpTypes.Add, [erf, w.Constant(i, F32(1f))])]);
        gelu = w.Op(i, OpTypes.Mul, [gelu, w.Constant(i, F32(0.5f))]);

        var f = $"/encoder/layer.{l}/output";
        var outer = Linear(w, f + "/dense", gelu, numbering.MatMulWeight(l, LinearSite.Output), p + "output.dense.bias");
        return LayerNorm(w, o, f + "/LayerNorm", p + "output.LayerNorm", w.Op(f, OpTypes.Add, [outer, attended]), output);
    }

    /// <summary>x · Wᵀ + b as exported: MatMul with the pre-transposed weight, then Add(bias, product).</summary>
    static string Linear(ExportNodeWriter w, string scope, string x, string weight, string bias) =>
        w.Op(scope, OpTypes.Add, [bias, w.Op(scope, OpTypes.MatMul, [x, weight])]);

    /// <summary>LayerNormalization at opset 17, else the exporter's decomposition over the last axis.</summary>
    static string LayerNorm(ExportNodeWriter w, SyntheticEncoderOptions o, string scope, string module, string x, string? output = null)
    {
        if (o.Opset >= 17)
            return w.Op(scope, OpTypes.LayerNormalization, [x, module + ".weight", module + ".bias"], output,
                Attr.Int("axis", -1), Attr.Float("epsilon", o.LayerNormEpsilon));
        var lastAxis = Attr.Ints("axes", [-1]);
        var centred = w.Op(scope, OpTypes.Sub, [x, w.Op(scope, OpTypes.ReduceMean, [x], lastAxis)]);
        var variance = w.Op(scope, OpTypes.ReduceMean, [w.Op(scope, OpTypes.Pow, [centred, w.Constant(scope, F32(2f))])], lastAxis);
        var deviation = w.Op(scope, OpTypes.Sqrt, [w.Op(scope, OpTypes.Add, [variance, w.Constant(scope, F32(o.LayerNormEpsilon))])]);
        var scaled = w.Op(scope, OpTypes.Mul, [w.Op(scope, OpTypes.Div, [centred, deviation]), module + ".weight"]);
        return w.Op(scope, OpTypes.Add, [scaled, module + ".bias"], output);
    }

    static AttributeProto Perm(params long[] perm) => Attr.Ints("perm", perm);
    static TensorProto I64(long value) => TensorData.Scalar("", value);
    static TensorProto I64s(long value) => TensorData.Create<long>("", [value], 1);
    static TensorProto F32(float value) => TensorData.Scalar("", value);
}

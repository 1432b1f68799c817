using OrtAdapter.Onnx;
using OrtAdapter.Onnx.Protobuf;

namespace OrtAdapter.Bench.Encoders;

/// <summary>How BertModel initialises a parameter (HF BertPreTrainedModel._init_weights).</summary>
enum ParameterInit { Normal, Zeros, Ones }

/// <summary>
/// One BertModel parameter. <see cref="MatMulName"/> is set for the encoder's Linear weights, which the export
/// stores pre-transposed ([in, out]) under a numbered name; the pooler keeps its [out, in] weight (Gemm transB=1).
/// </summary>
sealed record BertParameter(string Name, long[] Dims, ParameterInit Init, string? MatMulName = null)
{
    public string InitializerName => MatMulName ?? Name;
}

/// <summary>BertModel's parameters in state-dict order, and their initial values.</summary>
static class BertParameters
{
    public static List<BertParameter> StateDict(SyntheticEncoderOptions o, TorchExportNumbering numbering)
    {
        long h = o.Hidden, f = o.Intermediate;
        var list = new List<BertParameter>
        {
            new("embeddings.word_embeddings.weight", [o.VocabSize, h], ParameterInit.Normal),
            new("embeddings.position_embeddings.weight", [o.MaxPositions, h], ParameterInit.Normal),
            new("embeddings.token_type_embeddings.weight", [o.TypeVocabSize, h], ParameterInit.Normal),
        };
        LayerNorm(list, "embeddings.LayerNorm", h);
        for (int l = 0; l < o.Layers; l++)
        {
            var p = $"encoder.layer.{l}.";
            Linear(list, p + "attention.self.query", h, h, numbering.MatMulWeight(l, LinearSite.Query));
            Linear(list, p + "attention.self.key", h, h, numbering.MatMulWeight(l, LinearSite.Key));
            Linear(list, p + "attention.self.value", h, h, numbering.MatMulWeight(l, LinearSite.Value));
            Linear(list, p + "attention.output.dense", h, h, numbering.MatMulWeight(l, LinearSite.AttentionOutput));
            LayerNorm(list, p + "attention.output.LayerNorm", h);
            Linear(list, p + "intermediate.dense", h, f, numbering.MatMulWeight(l, LinearSite.Intermediate));
            Linear(list, p + "output.dense", f, h, numbering.MatMulWeight(l, LinearSite.Output));
            LayerNorm(list, p + "output.LayerNorm", h);
        }
        list.Add(new("pooler.dense.weight", [h, h], ParameterInit.Normal));
        list.Add(new("pooler.dense.bias", [h], ParameterInit.Zeros));
        return list;
    }

    /// <summary>
    /// The initializer of a parameter. Normal values come from a stream seeded by (seed, parameter name), so a
    /// tensor does not change when layers are added or the export numbering moves.
    /// </summary>
    public static TensorProto Create(BertParameter p, SyntheticEncoderOptions o)
    {
        var values = new float[TensorData.ElementCount(p.Dims)];
        switch (p.Init)
        {
            case ParameterInit.Ones: Array.Fill(values, 1f); break;
            case ParameterInit.Normal:
                new NormalSampler(o.Seed, p.Name).Fill(values, o.InitStd);
                if (p.Name == "embeddings.word_embeddings.weight" && o.PadTokenId >= 0)
                    Array.Clear(values, o.PadTokenId * o.Hidden, o.Hidden);
                break;
        }
        return TensorData.Create<float>(p.InitializerName, values, p.Dims);
    }

    static void Linear(List<BertParameter> list, string module, long inputs, long outputs, string matMulName)
    {
        list.Add(new(module + ".weight", [inputs, outputs], ParameterInit.Normal, matMulName));
        list.Add(new(module + ".bias", [outputs], ParameterInit.Zeros));
    }

    static void LayerNorm(List<BertParameter> list, string module, long size)
    {
        list.Add(new(module + ".weight", [size], ParameterInit.Ones));
        list.Add(new(module + ".bias", [size], ParameterInit.Zeros));
    }
}

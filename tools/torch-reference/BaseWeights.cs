using OrtAdapter.Build.Surgery;
using OrtAdapter.Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace OrtAdapter.TorchReference;

/// <summary>One linear layer of the base, as ONNX stores it: x·W + b with W [In, Out].</summary>
sealed record Linear(Tensor Weight, Tensor Bias)
{
    public Tensor Forward(Tensor x) => x.matmul(Weight) + Bias;
}

/// <summary>A layer norm's scale and shift (eps: BERT's 1e-12).</summary>
sealed record Norm(Tensor Scale, Tensor Shift)
{
    public Tensor Forward(Tensor x) => nn.functional.layer_norm(x, [x.shape[^1]], Scale, Shift, 1e-12);
}

sealed record Block(Linear Query, Linear Key, Linear Value, Linear AttentionOut, Norm AttentionNorm, Linear FfnUp, Linear FfnDown, Norm FfnNorm);

/// <summary>
/// The frozen weights of a BERT-family ONNX export as libtorch tensors. The blocks' layers are found by OrtAdapter's
/// own structure finder (the export names its matrices by number); embeddings by the Hugging Face names the export keeps.
/// </summary>
sealed record BaseWeights(Tensor Words, Tensor Positions, Tensor TokenTypes, Norm EmbeddingNorm, IReadOnlyList<Block> Blocks, int Heads)
{
    public static BaseWeights Load(string modelPath, int heads)
    {
        var graph = OnnxGraph.Load(modelPath);
        var structure = EncoderStructure.Find(graph);
        Tensor Get(string name) => Frozen(graph, name);
        Linear Layer(LinearLayer l) => new(Get(l.Weight), Get(l.Bias ?? throw new InvalidOperationException($"{l} has no bias.")));
        Norm NormOf(LayerNormMatch m) => NormAt(graph, m, Get);
        var blocks = structure.Blocks.Select(b => new Block(Layer(b.Query), Layer(b.Key), Layer(b.Value), Layer(b.Attention.Projection), NormOf(b.Attention.Norm),
            Layer(b.FfnUp), Layer(b.Ffn.Projection), NormOf(b.Ffn.Norm))).ToList();
        if (structure.Blocks.Any(b => b.Activation != "gelu-erf"))
            throw new InvalidOperationException($"'{modelPath}': this reference implements BERT's erf GELU only.");
        return new(Get("embeddings.word_embeddings.weight"), Get("embeddings.position_embeddings.weight"), Get("embeddings.token_type_embeddings.weight"),
            NormOf(structure.Embeddings), blocks, heads);
    }

    static Tensor Frozen(OnnxGraph graph, string name)
    {
        var t = graph.Initializer(name) ?? throw new InvalidOperationException($"The base has no initializer '{name}'.");
        return tensor(TensorData.ToFloats(t), [.. t.Dims]);
    }

    /// <summary>Scale and shift of a layer norm: inputs 1 and 2 of LayerNormalization, or the decomposed form's last Mul and Add.</summary>
    static Norm NormAt(OnnxGraph graph, LayerNormMatch m, Func<string, Tensor> get)
    {
        if (!m.Decomposed) return new(get(m.First.Input[1]), get(m.First.Input[2]));
        var add = graph.Producer(m.Output)!;
        var shift = add.Input.Single(graph.IsInitializer);
        var mul = graph.Producer(add.Input.Single(i => i != shift))!;
        return new(get(mul.Input.Single(graph.IsInitializer)), get(shift));
    }
}

using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace OrtAdapter.TorchReference;

/// <summary>Dropout at the numbered sites of OrtAdapter's training graph (embeddings, then per block: attention probabilities, attention output, FFN output).</summary>
interface IDropout
{
    Tensor Apply(Tensor x, int site);
}

sealed class NoDropout : IDropout
{
    public Tensor Apply(Tensor x, int site) => x;
}

/// <summary>libtorch's own dropout (its generator, torch.manual_seed).</summary>
sealed class TorchDropout(double rate) : IDropout
{
    public Tensor Apply(Tensor x, int site) => nn.functional.dropout(x, rate, training: true);
}

/// <summary>
/// The default recipe's model: the frozen base, a Houlsby adapter after each block's attention output and FFN output
/// (after dropout, before the residual add: LayerNorm(x + a + up(relu(down(a))))), mean pooling, a linear head.
/// Parameters carry OrtAdapter's checkpoint names, so either side's initial values can be loaded into the other.
/// </summary>
sealed class AdapterModel
{
    readonly BaseWeights w;
    public Dictionary<string, Parameter> Trainable { get; } = new(StringComparer.Ordinal);

    public AdapterModel(BaseWeights weights, int bottleneck, int labels)
    {
        w = weights;
        long h = weights.Words.shape[1];
        for (int i = 0; i < weights.Blocks.Count; i++)
            foreach (var site in new[] { "attn", "ffn" })
            {
                Add($"adapter.layer{i}.{site}.down.weight", h, bottleneck);
                Add($"adapter.layer{i}.{site}.down.bias", bottleneck);
                Add($"adapter.layer{i}.{site}.up.weight", bottleneck, h);
                Add($"adapter.layer{i}.{site}.up.bias", h);
            }
        Add("head.weight", h, labels);
        Add("head.bias", labels);
    }

    void Add(string name, params long[] dims) => Trainable[name] = new Parameter(zeros(dims), requires_grad: true);

    /// <summary>Copies values in by name (OrtAdapter's initial checkpoint); every parameter must be given.</summary>
    public void Load(IReadOnlyDictionary<string, float[]> values)
    {
        using var _ = no_grad();
        foreach (var (name, p) in Trainable)
            p.copy_(tensor(values.TryGetValue(name, out var v) ? v : throw new InvalidOperationException($"No initial value for '{name}'."), p.shape));
    }

    /// <summary>torch.nn.Linear's default initialisation for the down-projections and the head (uniform ±1/sqrt(fan_in)), zeros for the up-projections.</summary>
    public void InitLikeTorch()
    {
        using var _ = no_grad();
        foreach (var (name, p) in Trainable)
        {
            if (name.Contains(".up.")) { p.zero_(); continue; }
            var bound = 1.0 / Math.Sqrt(w.Words.shape[1]);
            nn.init.uniform_(p, -bound, bound);
        }
    }

    /// <summary>Logits [B, C] and the mean-pooled embedding [B, H].</summary>
    public (Tensor Logits, Tensor Pooled) Forward(Tensor ids, Tensor mask, Tensor types, IDropout drop)
    {
        long b = ids.shape[0], s = ids.shape[1], h = w.Words.shape[1], heads = w.Heads, d = h / heads;
        var positions = arange(s, dtype: ScalarType.Int64);
        var x = w.EmbeddingNorm.Forward(w.Words[ids] + w.Positions[positions].unsqueeze(0) + w.TokenTypes[types]);
        x = drop.Apply(x, 0);
        var bias = (1 - mask.to(ScalarType.Float32)).view(b, 1, 1, s) * -10000f;
        Tensor Split(Tensor t) => t.view(b, s, heads, d).transpose(1, 2);
        for (int i = 0; i < w.Blocks.Count; i++)
        {
            var k = w.Blocks[i];
            var scores = Split(k.Query.Forward(x)).matmul(Split(k.Key.Forward(x)).transpose(-1, -2)) / Math.Sqrt(d) + bias;
            var probs = drop.Apply(scores.softmax(-1), 1 + 3 * i);
            var context = probs.matmul(Split(k.Value.Forward(x))).transpose(1, 2).reshape(b, s, h);
            x = k.AttentionNorm.Forward(x + Adapter(i, "attn", drop.Apply(k.AttentionOut.Forward(context), 2 + 3 * i)));
            var ffn = k.FfnDown.Forward(nn.functional.gelu(k.FfnUp.Forward(x)));
            x = k.FfnNorm.Forward(x + Adapter(i, "ffn", drop.Apply(ffn, 3 + 3 * i)));
        }
        var m = mask.to(ScalarType.Float32).unsqueeze(-1);
        var pooled = (x * m).sum(1) / m.sum(1).clamp_min(1e-9);
        return (pooled.matmul(Trainable["head.weight"]) + Trainable["head.bias"], pooled);
    }

    Tensor Adapter(int layer, string site, Tensor a)
    {
        var p = $"adapter.layer{layer}.{site}";
        var down = nn.functional.relu(a.matmul(Trainable[$"{p}.down.weight"]) + Trainable[$"{p}.down.bias"]);
        return a + down.matmul(Trainable[$"{p}.up.weight"]) + Trainable[$"{p}.up.bias"];
    }
}

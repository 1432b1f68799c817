using OrtAdapter.Testing.Checking;
using OrtAdapter.Onnx;
using OrtAdapter.Onnx.Protobuf;
using DataType = OrtAdapter.Onnx.Protobuf.TensorProto.Types.DataType;

namespace OrtAdapter.Autodiff.Tests.WholeModel;

/// <summary>The bundled encoders, the benchmark encoder, and what whole-model checks do with them.</summary>
static class Encoders
{
    public const int Batch = 2;
    public const int Sequence = 6;

    static readonly Lazy<string> Root = new(() =>
    {
        for (var dir = new DirectoryInfo(OrtAdapter.Tests.Shared.RepoRootLocator.SearchStart); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "OrtAdapter.sln"))) return dir.FullName;
        throw new InvalidOperationException($"No OrtAdapter.sln above {AppContext.BaseDirectory}.");
    });

    /// <summary>A file under graphs/ of the repository.</summary>
    public static string Bundled(string relative) => Path.Combine(Root.Value, "graphs", relative);

    /// <summary>The benchmark encoder in the shared models folder (not in the repository; may be absent).</summary>
    public static string Bench => Path.GetFullPath(Path.Combine(Root.Value, "..", "shared", "models", "bench-l6-h384", "model.onnx"));

    static readonly Dictionary<string, byte[]> Cache = [];

    /// <summary>A fresh parse of a model file (read from disk once per run).</summary>
    public static ModelProto Load(string path)
    {
        byte[] bytes;
        lock (Cache)
            if (!Cache.TryGetValue(path, out bytes!)) Cache[path] = bytes = File.ReadAllBytes(path);
        return ModelFile.Parse(bytes, path);
    }

    /// <summary>
    /// Input ids, an attention mask that pads the second sequence, and token types, for the inputs the model has.
    /// Returns the distinct token ids used.
    /// </summary>
    public static (List<TensorFeed> Feeds, long[] TokenIds) Feeds(OnnxGraph graph, int seed = 7)
    {
        var rng = new Random(seed);
        var ids = new long[Batch * Sequence];
        for (int i = 0; i < ids.Length; i++) ids[i] = 1000 + rng.Next(7000);
        ids[0] = ids[Sequence] = 2;          // a shared leading token, as [CLS] would be
        ids[^1] = ids[^2] = 0;               // padding
        long[] mask = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0];
        long[] types = [0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0];
        var feeds = new List<TensorFeed>();
        foreach (var input in graph.RuntimeInputs)
        {
            var data = input.Name switch
            {
                "input_ids" => ids,
                "attention_mask" => mask,
                "token_type_ids" => types,
                var other => throw new InvalidOperationException($"Unexpected input '{other}'."),
            };
            feeds.Add(TensorFeed.Of(input.Name, data, Batch, Sequence));
        }
        return (feeds, ids.Distinct().Order().ToArray());
    }

    /// <summary>Loss = Σ output · fixed random weights over every float output (last_hidden_state, pooler_output).</summary>
    public static string AddWeightedSumLoss(OnnxGraph graph, int seed = 3)
    {
        var rng = new Random(seed);
        var b = new OpBuilder(graph, "loss");
        var terms = new List<string>();
        foreach (var output in graph.Proto.Output.ToList())
        {
            var type = TensorType.From(output.Type)!;
            if (type.ElemType != (int)DataType.Float) continue;
            var dims = type.Shape!.Select(d => d.Value ?? (d.Param == "batch_size" ? Batch : Sequence)).ToArray();
            var n = (int)TensorData.ElementCount(dims);
            var w = TensorData.FromFloats($"loss/weights/{output.Name}", [.. Enumerable.Range(0, n).Select(_ => (float)(2 * rng.NextDouble() - 1))], dims);
            graph.AddInitializer(w);
            terms.Add(b.ReduceSum(b.Mul(output.Name, w.Name), [], keepDims: false));
        }
        var loss = terms.Aggregate(b.Add);
        graph.Proto.Output.Add(new ValueInfoProto { Name = loss, Type = new TensorType((int)DataType.Float, []).ToTypeProto() });
        return loss;
    }

    /// <summary>The initializer a value is, through Identity aliases (exporters alias equal tensors), or null.</summary>
    public static string? InitializerBehind(OnnxGraph g, string value)
    {
        while (!g.IsInitializer(value))
        {
            if (g.Producer(value) is not { OpType: OpTypes.Identity } id) return null;
            value = id.Input[0];
        }
        return value;
    }

    /// <summary>
    /// One of the model's own initializers of each kind of layer, found by structure: word embedding, a LayerNorm
    /// scale and bias, Q/K/V weights and a bias, the attention output and FFN weights, and the pooler weight.
    /// </summary>
    public static TrainableSample Sample(OnnxGraph g)
    {
        var order = g.TopologicalOrder();
        var embedding = order.Where(n => n.OpType == OpTypes.Gather && n.Input[1] == "input_ids")
            .Select(n => InitializerBehind(g, n.Input[0])).First(t => t is not null)!;
        // Linear layers: MatMul by a 2-D initializer, in order; a BERT layer has Q, K, V, attention output, FFN in, FFN out.
        var linears = order.Where(n => n.OpType == OpTypes.MatMul && InitializerBehind(g, n.Input[1]) is { } w && g.Initializer(w)!.Dims.Count == 2).ToList();
        string Weight(int i) => InitializerBehind(g, linears[i].Input[1])!;
        string Bias(int i) => g.Consumers(linears[i].Output[0]).Where(n => n.OpType == OpTypes.Add)
            .SelectMany(n => n.Input).Select(v => InitializerBehind(g, v)).First(v => v is not null)!;
        var (scale, bias) = LayerNorms(g, order)[1];
        var pooler = order.FirstOrDefault(n => n.OpType == OpTypes.Gemm) is { } gemm ? InitializerBehind(g, gemm.Input[1]) : null;
        return new TrainableSample(embedding, scale, bias,
            QueryWeight: Weight(0), KeyWeight: Weight(6 + 1), ValueBias: Bias(2),
            AttentionOutputWeight: Weight(3), FfnWeight: Weight(6 + 4), pooler);
    }

    /// <summary>(scale, bias) of every LayerNorm: LayerNormalization inputs, or the Mul/Add after the decomposed form's Div.</summary>
    static List<(string Scale, string Bias)> LayerNorms(OnnxGraph g, IReadOnlyList<NodeProto> order)
    {
        var found = new List<(string, string)>();
        foreach (var n in order)
        {
            if (n.OpType == OpTypes.LayerNormalization) { found.Add((InitializerBehind(g, n.Input[1])!, InitializerBehind(g, n.Input[2])!)); continue; }
            if (n.OpType != OpTypes.Div || g.Producer(n.Input[1]) is not { OpType: OpTypes.Sqrt }) continue;
            var mul = g.Consumers(n.Output[0]).Single(c => c.OpType == OpTypes.Mul);
            var add = g.Consumers(mul.Output[0]).Single(c => c.OpType == OpTypes.Add);
            found.Add((mul.Input.Select(v => InitializerBehind(g, v)).Single(v => v is not null)!,
                add.Input.Select(v => InitializerBehind(g, v)).Single(v => v is not null)!));
        }
        return found;
    }

    /// <summary>All LayerNorm biases (the "small trainable tensors" of the cost checks).</summary>
    public static string[] LayerNormBiases(OnnxGraph g) => [.. LayerNorms(g, g.TopologicalOrder()).Select(p => p.Bias).Distinct()];

    /// <summary>
    /// distilbert-style-random exports its LayerNorm scales and all biases as one all-zero tensor aliased by Identity
    /// nodes: every hidden state is then constant over the hidden axis, its LayerNorm divides by √ε, and the function
    /// is too ill-conditioned for finite differences. The test copy gives such tensors random values in [0.5, 1.5)
    /// (keeping the aliasing, so one tensor still sums gradients from all its uses).
    /// </summary>
    public static void RandomizeAllZeroTensors(OnnxGraph g, int seed = 11)
    {
        var rng = new Random(seed);
        foreach (var t in g.Initializers.Where(t => t.DataType == (int)DataType.Float && TensorData.ToFloats(t).All(v => v == 0)).ToList())
        {
            var values = Enumerable.Range(0, (int)TensorData.ElementCount(t.Dims)).Select(_ => (float)(0.5 + rng.NextDouble())).ToArray();
            g.RemoveInitializer(t.Name);
            g.AddInitializer(TensorData.FromFloats(t.Name, values, [.. t.Dims]));
        }
    }

    /// <summary>A double-precision twin for checks at 1e-6 (see <see cref="DoublePrecisionTwin"/>).</summary>
    public static void ConvertToDouble(OnnxGraph g) => DoublePrecisionTwin.Apply(g);
}

/// <summary>One of the model's initializers per kind of layer.</summary>
sealed record TrainableSample(string WordEmbedding, string LayerNormScale, string LayerNormBias, string QueryWeight,
    string KeyWeight, string ValueBias, string AttentionOutputWeight, string FfnWeight, string? PoolerWeight)
{
    /// <summary>Everything but the word embedding (checked on chosen rows), without duplicates (aliased tensors).</summary>
    public string[] Dense => [.. new[] { LayerNormScale, LayerNormBias, QueryWeight, KeyWeight, ValueBias, AttentionOutputWeight, FfnWeight, PoolerWeight }
        .OfType<string>().Distinct()];
}

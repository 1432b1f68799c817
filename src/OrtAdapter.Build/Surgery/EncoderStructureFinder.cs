using OrtAdapter.Onnx;
using OrtAdapter.Onnx.Protobuf;

namespace OrtAdapter.Build.Surgery;

/// <summary>
/// Walks a post-LN encoder from its embedding layer norm: each block input feeds three square projections
/// (Q, K, V) and a residual Add; attention ends in an [H,H] projection + residual Add + layer norm, the FFN in an
/// [F,H] projection after the activation + residual Add + layer norm. The walk stops at the first value that does
/// not feed three square projections (e.g. the encoder output read by a pooler).
/// </summary>
internal sealed class EncoderStructureFinder(OnnxGraph g)
{
    // Ops that carry a projection to its attention MatMul: head split/merge and a constant scale (DistilBERT scales Q).
    static readonly HashSet<string> HeadOps = [OpTypes.Reshape, OpTypes.Transpose, OpTypes.Identity, OpTypes.Cast, OpTypes.Div, OpTypes.Mul, OpTypes.Squeeze, OpTypes.Unsqueeze];
    // Ops between the scores MatMul and Softmax: scale, mask add or masked fill, and the Flatten with which onnx's version
    // converter wraps a pre-13 Softmax (Flatten -> Softmax -> Reshape back).
    static readonly HashSet<string> ScoreOps = [OpTypes.Div, OpTypes.Mul, OpTypes.Add, OpTypes.Sub, OpTypes.Where, OpTypes.Cast, OpTypes.Identity, OpTypes.Flatten];
    static readonly HashSet<string> MergeOps = [OpTypes.Transpose, OpTypes.Reshape, OpTypes.Identity];
    static readonly HashSet<string> ActivationOps = [OpTypes.Div, OpTypes.Mul, OpTypes.Add, OpTypes.Sub, OpTypes.Erf, OpTypes.Tanh, OpTypes.Pow,
        OpTypes.Sigmoid, OpTypes.Relu, OpTypes.Gelu, OpTypes.Identity, OpTypes.Cast];

    public EncoderStructure Find()
    {
        var embeddings = FindEmbeddingNorm();
        var hidden = SquareProjections(embeddings.Output)[0].InFeatures;
        var blocks = new List<TransformerBlock>();
        for (var x = embeddings.Output; SquareProjections(x) is { Count: 3 } qkv; x = blocks[^1].Output)
        {
            if (qkv.Any(p => p.InFeatures != hidden))
                throw Error($"block {blocks.Count}: projections reading '{x}' are {string.Join(", ", qkv)}, not [{hidden}, {hidden}] like block 0's");
            blocks.Add(MatchBlock(blocks.Count, x, qkv, hidden));
        }
        var ffn = blocks[0].FfnUp.OutFeatures;
        return new EncoderStructure(hidden, ffn, embeddings, blocks);
    }

    // The embedding layer norm is the first layer norm of a post-LN encoder; taking the first that happens to feed
    // projections instead would silently skip a block that failed to match.
    LayerNormMatch FindEmbeddingNorm()
    {
        foreach (var node in g.TopologicalOrder())
        {
            if (node.OpType is not (OpTypes.LayerNormalization or OpTypes.ReduceMean)) continue;
            if (LayerNormMatcher.Match(g, node.Input[0], out _) is not { } ln || !ReferenceEquals(ln.First, node)) continue;
            if (SquareProjections(ln.Output).Count == 3) return ln;
            throw Error($"embedding layer norm not found: the first layer norm {ln} should feed three MatMuls with constant square " +
                $"weights (query, key, value); its output '{ln.Output}' is read by {GraphDescriptions.DescribeConsumers(g, ln.Output)}");
        }
        throw Error("embedding layer norm not found: the graph has no LayerNormalization and no decomposed layer norm");
    }

    TransformerBlock MatchBlock(int index, string x, List<LinearLayer> qkv, long hidden)
    {
        string where = $"block {index} (input '{x}')";
        var reach = qkv.Select(p => (Proj: p, Hit: TraceToMatMul(p.Output, HeadOps))).ToList();
        foreach (var (p, hit) in reach)
            if (hit is null)
                throw Error($"{where}: projection {p} reaches no attention MatMul through Reshape/Transpose/scale; its output is read by {GraphDescriptions.DescribeConsumers(g, p.Output)}");
        var left = reach.Where(r => r.Hit!.Value.Slot == 0).ToList();
        if (left.Count != 1)
            throw Error($"{where}: expected exactly one projection reaching Q·Kᵀ as the left operand (the query), found {left.Count}: " +
                string.Join(", ", reach.Select(r => $"{r.Proj} -> '{r.Hit!.Value.MatMul.Name}' operand {r.Hit.Value.Slot}")));
        var (query, scores) = (left[0].Proj, left[0].Hit!.Value.MatMul);
        var keyHit = reach.FirstOrDefault(r => r.Hit!.Value.Slot == 1 && ReferenceEquals(r.Hit.Value.MatMul, scores));
        if (keyHit.Proj is null)
            throw Error($"{where}: no projection reaches the scores MatMul '{scores.Name}' as its right operand (the key)");
        var valueHit = reach.Single(r => r.Proj != query && r.Proj != keyHit.Proj);
        var context = valueHit.Hit!.Value.MatMul;
        if (valueHit.Hit.Value.Slot != 1 || ReferenceEquals(context, scores))
            throw Error($"{where}: value projection {valueHit.Proj} should reach a probs·V MatMul as the right operand, reaches '{context.Name}' operand {valueHit.Hit.Value.Slot}");
        var probs = FindAttentionProbs(where, scores, context);
        var attention = MatchSublayer(where + " attention", context.Output[0], MergeOps, x, hidden, hidden);
        var (up, activation, ffn) = MatchFfn(where, attention.Output, hidden);
        return new TransformerBlock(index, x, query, keyHit.Proj, valueHit.Proj, probs, attention, up, activation, ffn);
    }

    /// <summary>
    /// The attention probabilities in their [batch, heads, seq, seq] layout: the Softmax output, or the Reshape that
    /// restores that layout around a flattened Softmax (onnx's version converter writes Flatten -> Softmax -> Reshape).
    /// </summary>
    string FindAttentionProbs(string where, NodeProto scores, NodeProto context)
    {
        var probs = g.Producer(context.Input[0]);
        while (probs is { OpType: OpTypes.Identity or OpTypes.Cast }) probs = g.Producer(probs.Input[0]);
        var restored = probs is { OpType: OpTypes.Reshape } && g.Producer(probs.Input[0]) is { OpType: OpTypes.Softmax } ? probs : null;
        if (restored is not null) probs = g.Producer(restored.Input[0]);
        if (probs is not { OpType: OpTypes.Softmax })
            throw Error($"{where}: attention probabilities not found: the left operand of probs·V MatMul '{context.Name}' is produced by {(probs is null ? "no node" : GraphDescriptions.Describe(g, probs))}, not Softmax");
        var reached = Reach(scores.Output[0], ScoreOps, n => ReferenceEquals(n, probs));
        if (!reached)
            throw Error($"{where}: Softmax '{probs.Name}' is not reached from the scores MatMul '{scores.Name}' through scale and mask ops");
        return (restored ?? probs).Output[0];
    }

    (LinearLayer Up, string Activation, ResidualSublayer Ffn) MatchFfn(string where, string x, long hidden)
    {
        var ups = g.Consumers(x).Where(n => n.OpType == OpTypes.MatMul && n.Input[0] == x).Select(Linear)
            .Where(l => l is not null && l.InFeatures == hidden).ToList();
        if (ups.Count != 1)
            throw Error($"{where}: FFN up-projection not found: expected one MatMul with a constant [{hidden}, F] weight reading attention output '{x}', its consumers are {GraphDescriptions.DescribeConsumers(g, x)}");
        var up = ups[0]!;
        var ops = new SortedSet<string>(StringComparer.Ordinal);
        var ffn = MatchSublayer(where + " FFN", up.Output, ActivationOps, x, up.OutFeatures, hidden, ops);
        string? activation = ops.Contains(OpTypes.Erf) ? "gelu-erf" : ops.Contains(OpTypes.Tanh) ? "gelu-tanh"
            : ops.Contains(OpTypes.Gelu) ? "gelu" : ops.Contains(OpTypes.Relu) ? "relu" : ops.Contains(OpTypes.Sigmoid) ? "silu" : null;
        if (activation is null)
            throw Error($"{where}: no FFN activation (Erf, Tanh, Gelu, Relu, Sigmoid) between up-projection {up} and down-projection {ffn.Projection}; ops seen: {string.Join(", ", ops)}");
        return (up, activation, ffn);
    }

    /// <summary>From <paramref name="start"/> through <paramref name="via"/> ops to a projection [rows, hidden], then residual Add with <paramref name="residual"/>, then layer norm.</summary>
    ResidualSublayer MatchSublayer(string where, string start, HashSet<string> via, string residual, long rows, long hidden, ISet<string>? opsSeen = null)
    {
        var hit = TraceToMatMul(start, via, opsSeen, requireConstantWeight: true);
        if (hit is not { Slot: 0 } h || Linear(h.MatMul) is not { } proj || proj.InFeatures != rows || proj.OutFeatures != hidden)
            throw Error($"{where}: output projection (MatMul with a constant [{rows}, {hidden}] weight) not found after '{start}'; " +
                $"{(hit is null ? $"'{start}' is read by {GraphDescriptions.DescribeConsumers(g, start)}" : $"reached '{hit.Value.MatMul.Name}' operand {hit.Value.Slot}")}");
        var consumers = g.Consumers(proj.Output);
        var add = consumers is [{ OpType: OpTypes.Add } only] && !g.IsGraphOutput(proj.Output) ? only : null;
        if (add is null)
            throw Error($"{where}: residual Add after {proj} not found: {(consumers.Count == 1 ? "its consumer is" : "its consumers are")} {GraphDescriptions.DescribeConsumers(g, proj.Output)}");
        var slot = add.Input[0] == proj.Output ? 0 : 1;
        if (add.Input[1 - slot] != residual)
            throw Error($"{where}: residual Add '{add.Name}' after {proj} adds '{add.Input[1 - slot]}', not the sublayer input '{residual}'");
        var norm = LayerNormMatcher.Match(g, add.Output[0], out var failure)
            ?? throw Error($"{where}: layer norm after residual Add '{add.Name}' not found: {failure}");
        return new ResidualSublayer(proj, add, slot, norm);
    }

    /// <summary>MatMuls at input 0 of <paramref name="x"/> with a constant square weight, as linear layers.</summary>
    List<LinearLayer> SquareProjections(string x) =>
        [.. g.Consumers(x).Where(n => n.OpType == OpTypes.MatMul && n.Input[0] == x).Select(Linear)
            .Where(l => l is not null && l.InFeatures == l.OutFeatures).Select(l => l!)];

    LinearLayer? Linear(NodeProto matMul)
    {
        if (GraphConstants.Resolve(g, matMul.Input[1]) is not { Dims.Count: 2 } w) return null;
        var (rows, cols) = (w.Dims[0], w.Dims[1]);
        var output = matMul.Output[0];
        if (g.Consumers(output) is [{ OpType: OpTypes.Add } add] && !g.IsGraphOutput(output))
        {
            var bias = add.Input[0] == output ? add.Input[1] : add.Input[0];
            if (GraphConstants.Dims(g, bias, 1) is [var n] && n == cols)
                return new LinearLayer(matMul, add, matMul.Input[1], bias, add.Output[0], rows, cols, w.DataType);
        }
        return new LinearLayer(matMul, null, matMul.Input[1], null, output, rows, cols, w.DataType);
    }

    /// <summary>The single MatMul reached from <paramref name="start"/> through <paramref name="via"/> ops, with the operand it enters at.</summary>
    (NodeProto MatMul, int Slot)? TraceToMatMul(string start, HashSet<string> via, ISet<string>? opsSeen = null, bool requireConstantWeight = false)
    {
        var hits = new List<(NodeProto, int)>();
        var seen = new HashSet<string>(StringComparer.Ordinal) { start };
        var queue = new Queue<string>([start]);
        while (queue.TryDequeue(out var v))
            foreach (var n in g.Consumers(v))
            {
                if (n.OpType == OpTypes.MatMul)
                {
                    if (!requireConstantWeight || GraphConstants.IsConstant(g, n.Input[1])) hits.Add((n, n.Input[0] == v ? 0 : 1));
                    continue;
                }
                if (!via.Contains(n.OpType) || !CarriesData(n, v, constantScale: via == HeadOps)) continue;
                opsSeen?.Add(n.OpType);
                foreach (var o in n.Output) if (seen.Add(o)) queue.Enqueue(o);
            }
        return hits.Count == 1 ? hits[0] : null;
    }

    bool Reach(string start, HashSet<string> via, Func<NodeProto, bool> target)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal) { start };
        var queue = new Queue<string>([start]);
        while (queue.TryDequeue(out var v))
            foreach (var n in g.Consumers(v))
            {
                if (target(n)) return true;
                if (!via.Contains(n.OpType)) continue;
                foreach (var o in n.Output) if (seen.Add(o)) queue.Enqueue(o);
            }
        return false;
    }

    // Reshape/Squeeze/Unsqueeze carry data through input 0 only; their other inputs are shapes and axes.
    // Head-split scaling (Div/Mul) counts only with a constant on the other side.
    bool CarriesData(NodeProto n, string v, bool constantScale) => n.OpType switch
    {
        OpTypes.Reshape or OpTypes.Squeeze or OpTypes.Unsqueeze => n.Input[0] == v,
        OpTypes.Div or OpTypes.Mul when constantScale => n.Input[0] == v && GraphConstants.IsConstant(g, n.Input[1])
            || n.OpType == OpTypes.Mul && n.Input[1] == v && GraphConstants.IsConstant(g, n.Input[0]),
        _ => true,
    };

    static EncoderStructureException Error(string message) => new($"Encoder structure not recognised: {message}.");
}

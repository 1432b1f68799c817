using OrtAdapter.Onnx;
using OrtAdapter.Onnx.Protobuf;

namespace OrtAdapter.Build.Export;

/// <summary>
/// Folds per-channel scale vectors (IA³) into the frozen linear layers beside them, so the lean model has the base's
/// nodes and sizes: <c>Mul(linear(x), l)</c> with the linear layer <c>MatMul(x, W) [+ b]</c> becomes
/// <c>W' = W·diag(l), b' = b ⊙ l</c>; <c>MatMul(Mul(h, l), W)</c> becomes <c>W' = diag(l)·W</c>. Values computed in
/// double. Run after <see cref="BindTrainableTensorsPass"/> (the vectors are initializers then) and
/// <see cref="IdentityEliminationPass"/>. A vector that sits anywhere else is an error, not a silent extra node.
/// </summary>
public static class ChannelScaleFoldPass
{
    /// <summary>Folds every vector in <paramref name="scales"/>; returns how many.</summary>
    public static int Apply(OnnxGraph graph, IEnumerable<string> scales)
    {
        int folded = 0;
        foreach (var name in scales)
        {
            var scale = graph.Initializer(name) is { Dims.Count: 1 } t ? TensorData.ToDoublesConverting(t)
                : throw new InvalidOperationException($"Scale vector '{name}' is not a 1-D initializer of the graph.");
            if (graph.Consumers(name) is not [{ OpType: OpTypes.Mul } mul] || mul.Input.Count != 2)
                throw Unfoldable(graph, name, "it is not read by exactly one Mul");
            var scaled = mul.Input[0] == name ? mul.Input[1] : mul.Input[0];
            if (!FoldIntoProducer(graph, mul, scaled, scale) && !FoldIntoReader(graph, mul, scaled, scale))
                throw Unfoldable(graph, name, $"'{scaled}' is neither a linear layer's output read only by it nor read only by a MatMul's left operand");
            graph.RemoveInitializer(name);
            folded++;
        }
        graph.CleanupAndSort();
        return folded;
    }

    /// <summary><c>Mul(MatMul(x, W) [+ b], l)</c>: scales W's columns and b.</summary>
    static bool FoldIntoProducer(OnnxGraph g, NodeProto mul, string scaled, double[] l)
    {
        if (g.Consumers(scaled).Count != 1 || g.IsGraphOutput(scaled)) return false;
        var producer = g.Producer(scaled);
        NodeProto? matMul = producer;
        TensorProto? bias = null;
        int biasSlot = -1;
        if (producer is { OpType: OpTypes.Add })
        {
            biasSlot = g.Initializer(producer.Input[1]) is not null ? 1 : 0;
            bias = g.Initializer(producer.Input[biasSlot]);
            matMul = g.Producer(producer.Input[1 - biasSlot]);
            if (bias is null || !bias.Dims.SequenceEqual([l.LongLength]) || matMul is null || g.Consumers(matMul.Output[0]).Count != 1) return false;
        }
        if (matMul is not { OpType: OpTypes.MatMul } || g.Initializer(matMul.Input[1]) is not { Dims.Count: 2 } w || w.Dims[1] != l.Length) return false;

        var weights = TensorData.ToDoublesConverting(w);
        for (int i = 0; i < weights.Length; i++) weights[i] *= l[i % l.Length];
        WeightRewrite.Set(g, matMul, 1, w, weights, ".ia3_folded");
        if (bias is not null)
            WeightRewrite.Set(g, producer!, biasSlot, bias, [.. TensorData.ToDoublesConverting(bias).Select((b, j) => b * l[j])], ".ia3_folded");
        Bypass(g, mul, scaled);
        return true;
    }

    /// <summary><c>MatMul(Mul(h, l), W)</c>: scales W's rows.</summary>
    static bool FoldIntoReader(OnnxGraph g, NodeProto mul, string scaled, double[] l)
    {
        var product = mul.Output[0];
        if (g.IsGraphOutput(product) || g.Consumers(product) is not [{ OpType: OpTypes.MatMul } matMul] || matMul.Input[0] != product
            || g.Initializer(matMul.Input[1]) is not { Dims.Count: 2 } w || w.Dims[0] != l.Length) return false;
        var weights = TensorData.ToDoublesConverting(w);
        var columns = (int)w.Dims[1];
        for (int i = 0; i < weights.Length; i++) weights[i] *= l[i / columns];
        WeightRewrite.Set(g, matMul, 1, w, weights, ".ia3_folded");
        Bypass(g, mul, scaled);
        return true;
    }

    static void Bypass(OnnxGraph g, NodeProto mul, string scaled)
    {
        g.ReplaceAllUses(mul.Output[0], scaled);
        g.RemoveNode(mul);
    }

    static InvalidOperationException Unfoldable(OnnxGraph g, string name, string why) =>
        new($"Scale vector '{name}' cannot be folded into the frozen weights: {why} (its readers: {string.Join(", ", g.Consumers(name).Select(n => $"'{n.Name}' ({n.OpType})"))}).");
}

using OrtAdapter.Build.Surgery;
using OrtAdapter.Onnx;
using OrtAdapter.Onnx.Protobuf;
using DataType = OrtAdapter.Onnx.Protobuf.TensorProto.Types.DataType;

namespace OrtAdapter.Build.Heads;

/// <summary>
/// Adds pooling and a linear task head on the encoder's hidden states: pooled [batch, H] (mean over the attention
/// mask, or CLS), optional dropout, then logits = pooled · W + b with W [H, C] and b [C] trainable. Graph outputs
/// "pooled" and "logits" are added; the logits are raw for every task (softmax/sigmoid belong to inference).
/// </summary>
public static class TaskHeadPass
{
    public static TaskHeadResult Apply(OnnxGraph graph, TaskHeadOptions? options = null)
    {
        options ??= new TaskHeadOptions();
        if (options.Outputs < 1) throw new ArgumentException($"The head needs at least one output, got Outputs = {options.Outputs}.", nameof(options));
        if (!(options.Dropout >= 0 && options.Dropout < 1))
            throw new ArgumentException($"Head dropout must be in [0, 1), got {options.Dropout}.", nameof(options));
        foreach (var name in new[] { HeadNames.Logits, HeadNames.Pooled, HeadNames.Weight, HeadNames.Bias })
            if (graph.IsDefined(name)) throw new InvalidOperationException($"The graph already has '{name}': a head was added before.");
        if (!graph.IsDefined(options.HiddenState)) throw new InvalidOperationException($"The graph has no value '{options.HiddenState}' to pool.");
        if (options.Pooling == PoolingKind.Mean && !graph.IsDefined(options.AttentionMask))
            throw new InvalidOperationException($"Mean pooling needs the attention mask, but the graph has no value '{options.AttentionMask}'.");

        var types = ShapeInference.Infer(graph);
        var hiddenType = types.GetValueOrDefault(options.HiddenState);
        if (hiddenType is not { Shape.Count: 3 } || !DataTypes.IsFloat(hiddenType.ElemType))
            throw new InvalidOperationException($"'{options.HiddenState}' must be a float tensor [batch, seq, H]; it is {hiddenType?.ToString() ?? "of unknown type"}.");
        if (hiddenType.Shape![2].Value is not { } hidden)
            throw new InvalidOperationException($"The hidden size (last dim of '{options.HiddenState}') is not static: {hiddenType}.");
        int elem = hiddenType.ElemType;
        var batch = NamedValues.BatchDim(hiddenType);

        var pooling = new OpBuilder(graph, "pooling");
        var pooled = Pooling.Emit(pooling, options.Pooling, options.HiddenState, options.AttentionMask, elem, HeadNames.Pooled);

        var b = pooling.WithScope("head");
        string? mask = null;
        var x = pooled;
        if (options.Dropout > 0)
        {
            // Inverted dropout with a fed mask, like the encoder's: uint8, 1 where kept; kept values scaled by 1/(1-p).
            mask = HeadNames.DropoutMask;
            NamedValues.AddInput(graph, mask, (int)DataType.Uint8, batch, Dim.Of(hidden));
            x = DropoutPass.ApplyMask(b, x, mask, (float)options.Dropout, elem);
        }

        graph.AddInitializer(InitialWeight(hidden, options.Outputs, options.Seed, elem));
        graph.AddInitializer(Zeros(HeadNames.Bias, options.Outputs, elem));
        NamedValues.Emit(b, OpTypes.Add, [b.MatMul(x, HeadNames.Weight), HeadNames.Bias], HeadNames.Logits);

        if (!options.KeepEncoderOutputs)
            foreach (var o in graph.Proto.Output.ToList()) graph.Proto.Output.Remove(o);
        NamedValues.AddOutput(graph, HeadNames.Logits, elem, batch, Dim.Of(options.Outputs));
        NamedValues.AddOutput(graph, HeadNames.Pooled, elem, batch, Dim.Of(hidden));
        graph.CleanupAndSort();
        return new TaskHeadResult(HeadNames.Logits, HeadNames.Pooled, [HeadNames.Weight, HeadNames.Bias], mask, hidden, elem);
    }

    /// <summary>PyTorch nn.Linear's default: uniform in ±1/sqrt(H), from a seeded generator (deterministic).</summary>
    static TensorProto InitialWeight(long hidden, int outputs, int seed, int elem)
    {
        var rng = new Random(seed);
        var bound = 1 / Math.Sqrt(hidden);
        var values = new double[hidden * outputs];
        for (int i = 0; i < values.Length; i++) values[i] = (2 * rng.NextDouble() - 1) * bound;
        return Tensor(HeadNames.Weight, values, [hidden, outputs], elem);
    }

    static TensorProto Zeros(string name, int count, int elem) => Tensor(name, new double[count], [count], elem);

    static TensorProto Tensor(string name, double[] values, long[] dims, int elem) => (DataType)elem switch
    {
        DataType.Float => TensorData.FromFloats(name, Array.ConvertAll(values, v => (float)v), dims),
        DataType.Double => TensorData.FromDoubles(name, values, dims),
        DataType.Float16 => TensorData.FromHalfs(name, Array.ConvertAll(values, v => (Half)v), dims),
        _ => throw new NotSupportedException($"The head cannot be made in {DataTypes.Name(elem)}."),
    };
}

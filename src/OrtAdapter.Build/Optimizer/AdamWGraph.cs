using OrtAdapter.Onnx;
using OrtAdapter.Onnx.Protobuf;
using DataType = OrtAdapter.Onnx.Protobuf.TensorProto.Types.DataType;

namespace OrtAdapter.Build.Optimizer;

/// <summary>
/// AdamW (torch semantics, with global-norm clipping) as a graph of standard ai.onnx ops: either a standalone
/// optimizer model (<c>optimizer_model.onnx</c>) or fused into a training graph so one Run does a whole step.
/// Inputs: <c>learning_rate</c> (float scalar), <c>step</c> (int64 scalar, 1-based count after this update) and per
/// parameter p: p, its gradient, <c>p.exp_avg</c>, <c>p.exp_avg_sq</c>. Outputs: <c>p.updated</c>,
/// <c>p.exp_avg.updated</c>, <c>p.exp_avg_sq.updated</c> and <c>grad_norm</c> (global L2 norm before clipping).
/// </summary>
public static class AdamWGraph
{
    /// <summary>
    /// Lowest opset the graph is emitted for. Every op it emits (ReduceSumSquare over all axes, Sum and Min with
    /// broadcasting, Pow, Sqrt and Cast on double, the element-wise arithmetic) has kept its meaning since opset 8;
    /// 11 is the oldest opset of the exports people bring (arctic-embed-xs is opset 11).
    /// </summary>
    public const int MinOpset = 11;

    /// <summary>
    /// A standalone optimizer model over parameters of the given shapes (gradients are inputs named <c>p_grad</c>).
    /// The order of <paramref name="parameters"/> is the order of the norm's sum: keep it the same as the fused
    /// graph's to get bit-identical results.
    /// </summary>
    public static ModelProto Build(IReadOnlyList<(string Name, long[] Shape)> parameters, AdamWOptions? options = null,
        int opset = 17, int elemType = (int)DataType.Float)
    {
        options ??= AdamWOptions.Default;
        options.Validate();
        CheckOpset(opset, "the optimizer graph");
        CheckElemType(elemType, "the optimizer graph");
        if (parameters.Count == 0) throw new ArgumentException("AdamW needs at least one parameter.", nameof(parameters));
        CheckUnique(parameters.Select(p => p.Name));

        var model = new ModelProto { IrVersion = IrVersionFor(opset), ProducerName = "OrtAdapter", Graph = new GraphProto { Name = "adamw" } };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = opset });
        var graph = new OnnxGraph(model);
        graph.Proto.Input.Add(AdamWEmitter.Value(AdamWNames.LearningRate, new TensorType((int)DataType.Float, [])));
        graph.Proto.Input.Add(AdamWEmitter.Value(AdamWNames.Step, new TensorType((int)DataType.Int64, [])));
        var slots = new List<(AdamWSlot, TensorType)>();
        foreach (var (name, shape) in parameters)
        {
            if (string.IsNullOrEmpty(name)) throw new ArgumentException("AdamW: a parameter has an empty name.", nameof(parameters));
            if (shape.Any(d => d < 0)) throw new ArgumentException($"AdamW: parameter '{name}' has a negative dimension in [{string.Join(",", shape)}].", nameof(parameters));
            var slot = new AdamWSlot(name, AdamWNames.Grad(name));
            var type = new TensorType(elemType, shape.Select(Dim.Of).ToList());
            foreach (var input in new[] { slot.Parameter, slot.Gradient, slot.ExpAvg, slot.ExpAvgSq })
                graph.Proto.Input.Add(AdamWEmitter.Value(input, type));
            slots.Add((slot, type));
        }
        CheckUnique(graph.Proto.Input.Select(i => i.Name).Concat(slots.SelectMany(s => OutputsOf(s.Item1))));
        graph.Invalidate();
        AdamWEmitter.Emit(graph, slots, elemType, options);
        graph.CleanupAndSort();
        return model;
    }

    /// <summary>
    /// Fuses the optimizer into a training graph: reads each parameter's gradient value where the graph computes it,
    /// adds the state tensors (and <c>learning_rate</c> / <c>step</c> unless the graph already has them as inputs of
    /// the right type) as inputs and the updated tensors and <c>grad_norm</c> as outputs. Existing outputs (the loss,
    /// the gradients) stay. Returns the slots in the given order.
    /// </summary>
    public static IReadOnlyList<AdamWSlot> AppendTo(OnnxGraph graph, IReadOnlyList<(string Parameter, string Gradient)> parameters, AdamWOptions? options = null)
    {
        options ??= AdamWOptions.Default;
        options.Validate();
        CheckOpset(graph.OpsetVersion(), "the training graph");
        if (parameters.Count == 0) throw new ArgumentException("AdamW needs at least one parameter.", nameof(parameters));
        CheckUnique(parameters.Select(p => p.Parameter));

        var types = ShapeInference.Infer(graph);
        var slots = new List<(AdamWSlot, TensorType)>();
        foreach (var (parameter, gradient) in parameters)
        {
            if (!graph.IsDefined(parameter)) throw new ArgumentException($"AdamW: parameter '{parameter}' is not in the training graph.", nameof(parameters));
            if (!graph.IsDefined(gradient)) throw new ArgumentException($"AdamW: gradient '{gradient}' of parameter '{parameter}' is not in the training graph.", nameof(parameters));
            if (!types.TryGetValue(parameter, out var type))
                throw new ArgumentException($"AdamW: the type of parameter '{parameter}' is unknown (declare it as an input or initializer).", nameof(parameters));
            CheckElemType(type.ElemType, $"parameter '{parameter}'");
            if (slots.Count > 0 && slots[0].Item2.ElemType != type.ElemType)
                throw new ArgumentException($"AdamW: parameter '{parameter}' is {DataTypes.Name(type.ElemType)} but '{slots[0].Item1.Parameter}' is {DataTypes.Name(slots[0].Item2.ElemType)}; all must share one type.", nameof(parameters));
            slots.Add((new AdamWSlot(parameter, gradient), type));
        }

        EnsureScalarInput(graph, AdamWNames.LearningRate, (int)DataType.Float);
        EnsureScalarInput(graph, AdamWNames.Step, (int)DataType.Int64);
        foreach (var name in slots.SelectMany(s => new[] { s.Item1.ExpAvg, s.Item1.ExpAvgSq }.Concat(OutputsOf(s.Item1))).Append(AdamWNames.GradNorm))
            if (graph.IsDefined(name) || graph.IsGraphOutput(name))
                throw new ArgumentException($"AdamW: the training graph already has a value '{name}', a name the optimizer needs.", nameof(graph));
        foreach (var (slot, type) in slots)
        {
            graph.Proto.Input.Add(AdamWEmitter.Value(slot.ExpAvg, type));
            graph.Proto.Input.Add(AdamWEmitter.Value(slot.ExpAvgSq, type));
        }
        graph.Invalidate();
        AdamWEmitter.Emit(graph, slots, slots[0].Item2.ElemType, options);
        graph.CleanupAndSort();
        return slots.Select(s => s.Item1).ToList();
    }

    /// <summary><see cref="AppendTo(OnnxGraph, IReadOnlyList{ValueTuple{string, string}}, AdamWOptions?)"/> over a
    /// parameter → gradient map (e.g. <c>GradientResult.Gradients</c>), in ordinal order of the parameter names.</summary>
    public static IReadOnlyList<AdamWSlot> AppendTo(OnnxGraph graph, IReadOnlyDictionary<string, string> gradients, AdamWOptions? options = null) =>
        AppendTo(graph, gradients.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => (kv.Key, kv.Value)).ToList(), options);

    static IEnumerable<string> OutputsOf(AdamWSlot s) => [s.UpdatedParameter, s.UpdatedExpAvg, s.UpdatedExpAvgSq];

    /// <summary>Reuses an existing graph input of the right type (e.g. a step already read by dropout), else adds it.</summary>
    static void EnsureScalarInput(OnnxGraph graph, string name, int elemType)
    {
        var existing = graph.Proto.Input.FirstOrDefault(i => i.Name == name);
        if (existing is not null)
        {
            var type = TensorType.From(existing.Type);
            if (type?.ElemType != elemType || type.Rank is not (null or 0))
                throw new ArgumentException($"AdamW: the training graph's input '{name}' is {type?.ToString() ?? "untyped"}; the optimizer needs a {DataTypes.Name(elemType)} scalar.", nameof(graph));
            return;
        }
        if (graph.IsDefined(name) || graph.IsGraphOutput(name))
            throw new ArgumentException($"AdamW: the training graph already has a value '{name}' that is not an input; the optimizer needs that name for its input.", nameof(graph));
        graph.Proto.Input.Add(AdamWEmitter.Value(name, new TensorType(elemType, [])));
        graph.Invalidate();
    }

    static void CheckOpset(int opset, string what)
    {
        if (opset < MinOpset) throw new ArgumentOutOfRangeException(nameof(opset), opset, $"AdamW: {what} has opset {opset}; the optimizer needs at least {MinOpset}.");
    }

    static void CheckElemType(int elemType, string what)
    {
        if (elemType is not ((int)DataType.Float or (int)DataType.Double))
            throw new ArgumentException($"AdamW: {what} is {DataTypes.Name(elemType)}; the optimizer supports float and double.");
    }

    static void CheckUnique(IEnumerable<string> names)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var n in names)
            if (!seen.Add(n)) throw new ArgumentException($"AdamW: the name '{n}' occurs twice among the optimizer's parameters, inputs and outputs.");
    }

    /// <summary>The lowest IR version that carries the opset (onnx/docs/Versioning.md), so older runtimes load it.</summary>
    static long IrVersionFor(int opset) => opset switch
    {
        <= 14 => 7,
        <= 18 => 8,
        <= 20 => 9,
        <= 22 => 10,
        _ => 11,
    };
}

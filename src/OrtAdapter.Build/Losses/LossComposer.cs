using OrtAdapter.Build.Heads;
using OrtAdapter.Inference;
using OrtAdapter.Onnx;
using DataType = OrtAdapter.Onnx.Protobuf.TensorProto.Types.DataType;

namespace OrtAdapter.Build.Losses;

/// <summary>
/// Adds the loss to a graph with a head: L = sum_k w_k · L_k, with each w_k a scalar graph input "loss_weight_k"
/// so a run can change or schedule the weights without rebuilding. Declares the labels (and teacher logits or
/// target embedding where a term reads them) as inputs, and adds the outputs "loss" and "loss_term_k"; the logits
/// stay an output. Everything is checked before anything is emitted.
/// </summary>
public static class LossComposer
{
    public static ComposedLoss Apply(OnnxGraph graph, LossComposerOptions? options = null)
    {
        options ??= new LossComposerOptions();
        var terms = options.Terms;
        WeightedLoss.ValidateWeights([.. terms.Select(t => t.Weight)]);
        if (graph.IsDefined(LossNames.Loss)) throw new LossException($"The graph already has a value '{LossNames.Loss}': a loss was added before.");
        if (!graph.IsDefined(options.Logits)) throw new LossException($"The graph has no logits value '{options.Logits}'.");

        var types = ShapeInference.Infer(graph);
        var logitsType = types.GetValueOrDefault(options.Logits);
        if (logitsType is not { Shape.Count: 2 } || !DataTypes.IsFloat(logitsType.ElemType))
            throw new LossException($"Logits '{options.Logits}' must be a float tensor [batch, C]; it is {logitsType?.ToString() ?? "of unknown type"}.");
        if (logitsType.Shape![1].Value is not { } numClasses)
            throw new LossException($"The number of classes (last dim of '{options.Logits}') is not static: {logitsType}.");
        int elem = logitsType.ElemType;
        var batch = NamedValues.BatchDim(logitsType);

        var needs = terms.Aggregate(LossNeeds.None, (n, t) => n | t.Term.Needs);
        foreach (var t in terms) t.Term.Check(options.Task, numClasses);
        var hidden = (needs & LossNeeds.Pooled) != 0 ? PooledWidth(graph, types, options.Pooled, "pooled embedding") : 0;
        if (options.PooledView2 is { } view2 && terms.Any(t => t.Term is InfoNceLoss))
            PooledWidth(graph, types, view2, "second pooled view");
        Require(terms, LossNeeds.TeacherLogits, options.TeacherLogits, nameof(options.TeacherLogits), LossNames.TeacherLogits);
        Require(terms, LossNeeds.TargetEmbedding, options.TargetEmbedding, nameof(options.TargetEmbedding), LossNames.TargetEmbedding);

        var fed = new List<string>();
        string? Declare(LossNeeds need, string? name, Func<TensorType> type)
        {
            if ((needs & need) == 0 || name is null) return null;
            if (graph.IsDefined(name)) return name;
            var t = type();
            NamedValues.AddInput(graph, name, t.ElemType, [.. t.Shape!]);
            fed.Add(name);
            return name;
        }
        var labels = Declare(LossNeeds.Labels, LossNames.Labels, () => options.Task == TaskKind.SingleLabel
            ? new TensorType((int)DataType.Int64, [batch])
            : new TensorType(elem, [batch, Dim.Of(numClasses)]));
        var teacher = Declare(LossNeeds.TeacherLogits, options.TeacherLogits, () => new TensorType(elem, [batch, Dim.Of(numClasses)]));
        var target = Declare(LossNeeds.TargetEmbedding, options.TargetEmbedding, () => new TensorType(elem, [batch, Dim.Of(hidden)]));

        var root = new OpBuilder(graph, "loss");
        var weighted = new List<string>();
        var termOutputs = new List<string>();
        var weightInputs = new List<string>();
        for (int k = 1; k <= terms.Count; k++)
        {
            var term = terms[k - 1].Term;
            var b = root.WithScope($"loss/{k}_{term.Name}");
            var context = new LossContext
            {
                B = b, Task = options.Task, ElemType = elem, NumClasses = numClasses, Logits = options.Logits, Pooled = options.Pooled,
                Labels = labels, TeacherLogits = teacher, TargetEmbedding = target, PooledView2 = options.PooledView2,
            };
            var value = term.Emit(context);
            var weight = LossNames.Weight(k);
            NamedValues.AddInput(graph, weight, elem);
            fed.Add(weight);
            weightInputs.Add(weight);
            termOutputs.Add(NamedValues.Emit(b, OpTypes.Identity, [value], LossNames.Term(k)));
            // One term: its weighted value is the loss itself (no Identity on the gradient path).
            weighted.Add(terms.Count == 1 ? NamedValues.Emit(b, OpTypes.Mul, [value, weight], LossNames.Loss) : b.Mul(value, weight));
        }
        if (terms.Count > 1) NamedValues.Emit(root, OpTypes.Sum, weighted, LossNames.Loss);

        NamedValues.AddOutput(graph, LossNames.Loss, elem);
        foreach (var o in termOutputs) NamedValues.AddOutput(graph, o, elem);
        NamedValues.AddOutput(graph, options.Logits, elem, [.. logitsType.Shape]);
        graph.CleanupAndSort();
        return new ComposedLoss(LossNames.Loss, termOutputs, weightInputs, [.. terms.Select(t => t.Weight)], labels, fed,
            LossSpec.Format(terms));
    }

    static long PooledWidth(OnnxGraph graph, Dictionary<string, TensorType> types, string name, string what)
    {
        if (!graph.IsDefined(name)) throw new LossException($"The loss needs the {what}, but the graph has no value '{name}'.");
        return types.GetValueOrDefault(name) is { Shape: [_, { Value: { } h }] } ? h
            : throw new LossException($"The {what} '{name}' must be [batch, H] with a static H; it is {types.GetValueOrDefault(name)?.ToString() ?? "of unknown shape"}.");
    }

    static void Require(IReadOnlyList<WeightedLoss> terms, LossNeeds need, string? given, string option, string usualName)
    {
        if (given is not null) return;
        var term = terms.FirstOrDefault(t => (t.Term.Needs & need) != 0);
        if (term is not null)
            throw new LossException($"Loss '{term.Term.Name}' needs '{usualName}', but none is provided (set LossComposerOptions.{option}, usually to \"{usualName}\").");
    }
}

using OrtAdapter.Build.Losses;
using OrtAdapter.Build.Optimizer;
using OrtAdapter.Build.Surgery;
using OrtAdapter.Onnx;
using OrtAdapter.Onnx.Protobuf;

namespace OrtAdapter.Build.Artifacts;

/// <summary>
/// Writes the manifest's contract from what the builder made, never from naming conventions: each graph input's
/// source (the base's own inputs and the loss's declared inputs are data, the dropout pass's masks, the composer's
/// weights, AdamW's scalars and moments, the trainable tensors) and the loss terms with their names. A graph input with no known
/// source fails the build, so the trainer can feed every input it is given by its source alone.
/// </summary>
internal static class FeedContract
{
    public static IReadOnlyList<FedInput> Inputs(OnnxGraph graph, IReadOnlyCollection<string> dataInputs, IReadOnlyCollection<string> trainable,
        IReadOnlyList<DropoutSite> masks, ComposedLoss loss, string graphFile)
    {
        return [.. graph.Proto.Input.Where(i => !graph.IsInitializer(i.Name)).Select(i =>
        {
            var weight = loss.WeightInputs.IndexOf(i.Name);
            var source = weight >= 0 ? FeedSource.LossWeight
                : trainable.Contains(i.Name) ? FeedSource.Trainable
                : trainable.Any(t => i.Name == AdamWNames.ExpAvg(t) || i.Name == AdamWNames.ExpAvgSq(t)) ? FeedSource.OptimizerState
                : trainable.Any(t => i.Name == AdamWNames.Grad(t)) ? FeedSource.Gradient
                : masks.Any(m => m.MaskInput == i.Name) ? FeedSource.DropoutMask
                : i.Name == AdamWNames.LearningRate ? FeedSource.LearningRate
                : i.Name == AdamWNames.Step ? FeedSource.Step
                : dataInputs.Contains(i.Name) || loss.FedInputs.Contains(i.Name) ? FeedSource.Data
                : throw new InvalidOperationException($"{graphFile}: input '{i.Name}' has no source the trainer knows (data, dropout mask, loss weight, learning rate, step, trainable, optimizer state, gradient).");
            // Graph inputs declare their type (ONNX requires it): no shape inference needed.
            var spec = TensorSpec.From(i.Name, TensorType.From(i.Type) ?? new TensorType(0, null));
            return new FedInput(spec.Name, spec.ElementType, spec.Dims, source, weight >= 0 ? weight + 1 : null);
        })];
    }

    public static IReadOnlyList<LossTermContract> LossTerms(IReadOnlyList<WeightedLoss> terms, ComposedLoss loss)
    {
        var metrics = MetricNames(terms);
        return [.. terms.Select((t, k) => new LossTermContract(t.Term.Name, metrics[k], loss.TermOutputs[k], loss.WeightInputs[k], t.Weight))];
    }

    /// <summary>"loss_ce", "loss_supcon", ...: each term's metric name; a term used twice gets "_2".</summary>
    static string[] MetricNames(IReadOnlyList<WeightedLoss> terms)
    {
        var names = new string[terms.Count];
        for (int k = 0; k < terms.Count; k++)
        {
            var name = $"{LossNames.Loss}_{terms[k].Term.Name}";
            var repeat = names.Take(k).Count(n => n == name || n.StartsWith(name + "_", StringComparison.Ordinal));
            names[k] = repeat == 0 ? name : $"{name}_{repeat + 1}";
        }
        return names;
    }

    static int IndexOf(this IReadOnlyList<string> list, string value)
    {
        for (int i = 0; i < list.Count; i++) if (list[i] == value) return i;
        return -1;
    }
}

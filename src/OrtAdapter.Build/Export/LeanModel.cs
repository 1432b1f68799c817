using OrtAdapter.Build.Checkpoints;
using OrtAdapter.Build.Heads;
using OrtAdapter.Onnx;
using OrtAdapter.Onnx.Protobuf;

namespace OrtAdapter.Build.Export;

/// <summary>
/// Turns an eval graph and trained tensors into a lean inference model, pass by pass: bind the tensors, keep
/// only the inference outputs (the loss and its inputs go), drop Identities, fold the adapters into the base where their kind allows (LoRA, IA³), fold constants, then
/// optionally quantize (int8) and halve (float16) the weights; metadata last. The eval graph has no dropout.
/// </summary>
public static class LeanModel
{
    public const string ProducerName = "ortadapter";

    /// <summary>Builds the model in memory; <paramref name="eval"/> is edited in place. Checks that nothing of training is left.</summary>
    public static ModelProto Build(OnnxGraph eval, IReadOnlyList<string> trainable, IReadOnlyDictionary<string, SafeTensor> tensors,
        InferenceMetadata metadata, ExportOptions options, string origin)
    {
        new BindTrainableTensorsPass(tensors, origin).Apply(eval, trainable);
        new InferenceOutputsPass(metadata.ReadTask(), options.Embedding).Apply(eval);
        IdentityEliminationPass.Apply(eval);
        metadata.ReadRecipe().Adapter.Kind.FoldIntoBase(eval, trainable);
        ConstantFoldingPass.Apply(eval);
        if (options.Int8) Int8MatMulPass.Apply(eval);
        if (options.Float16) Float16WeightsPass.Apply(eval);

        var model = eval.Model;
        model.ProducerName = ProducerName;
        model.ProducerVersion = InferenceMetadata.OrtAdapterVersion;
        model.DocString = "Lean inference model exported by OrtAdapter: inputs input_ids/attention_mask[/token_type_ids], outputs logits and probabilities"
            + (options.Embedding ? " and pooled" : "") + "; tokenizer files and labels in metadata_props (ortadapter.*).";
        eval.Proto.ValueInfo.Clear();
        metadata.WriteTo(model);
        GraphValidator.ThrowIfInvalid(eval, "lean model");
        CheckNothingOfTrainingLeft(eval);
        return model;
    }

    /// <summary>Names of leftovers of training in a graph (empty when lean): loss values, dropout, masks, labels.</summary>
    public static IReadOnlyList<string> TrainingLeftovers(OnnxGraph graph)
    {
        var found = new List<string>();
        foreach (var i in graph.Proto.Input)
            if (!InferenceOutputsPass.TextInputs.Contains(i.Name) && !graph.IsInitializer(i.Name)) found.Add($"input '{i.Name}'");
        foreach (var n in graph.Nodes)
        {
            if (n.OpType is OpTypes.Dropout or OpTypes.RandomUniformLike) found.Add($"{n.OpType} node '{n.Name}'");
            if (n.Name.StartsWith("loss", StringComparison.Ordinal) || n.Name.Contains("/grad/", StringComparison.Ordinal) || n.Input.Any(i => i.StartsWith("dropout_mask", StringComparison.Ordinal)))
                found.Add($"training node '{n.Name}' ({n.OpType})");
        }
        foreach (var o in graph.Proto.Output)
            if (o.Name is not (HeadNames.Logits or InferenceOutputsPass.Probabilities or HeadNames.Pooled)) found.Add($"output '{o.Name}'");
        return found;
    }

    static void CheckNothingOfTrainingLeft(OnnxGraph graph)
    {
        var left = TrainingLeftovers(graph);
        if (left.Count > 0) throw new InvalidOperationException($"The lean model still holds parts of training: {string.Join(", ", left.Take(5))}.");
    }
}

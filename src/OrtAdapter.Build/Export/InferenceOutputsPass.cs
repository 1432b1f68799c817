using OrtAdapter.Build.Heads;
using OrtAdapter.Inference;
using OrtAdapter.Onnx;
using OrtAdapter.Onnx.Protobuf;

namespace OrtAdapter.Build.Export;

/// <summary>
/// Makes the eval graph an inference graph: outputs become <c>logits</c>, <c>probabilities</c> (softmax for
/// single-label, sigmoid for multi-label, identity for regression) and optionally <c>pooled</c>; the loss
/// subgraph dies in cleanup and its inputs (labels, loss weights) go. Only the text inputs stay.
/// </summary>
public sealed class InferenceOutputsPass(TaskKind task, bool embedding)
{
    public const string Probabilities = "probabilities";

    /// <summary>Inputs an inference model keeps when the encoder reads them.</summary>
    public static readonly string[] TextInputs = ["input_ids", "attention_mask", "token_type_ids"];

    public void Apply(OnnxGraph graph)
    {
        var logits = graph.Proto.Output.FirstOrDefault(o => o.Name == HeadNames.Logits)
            ?? throw new ExportException($"The eval graph has no output '{HeadNames.Logits}'.");
        var pooled = graph.Proto.Output.FirstOrDefault(o => o.Name == HeadNames.Pooled);
        if (embedding && pooled is null) throw new ExportException($"The eval graph has no output '{HeadNames.Pooled}' to export as the embedding.");
        if (graph.IsDefined(Probabilities)) throw new ExportException($"The eval graph already defines '{Probabilities}'.");

        var activation = task.Activation() switch
        {
            HeadActivation.Softmax => OpTypes.Softmax,
            HeadActivation.Sigmoid => OpTypes.Sigmoid,
            _ => OpTypes.Identity,
        };
        var node = new NodeProto { OpType = activation, Name = graph.UniqueName("export/" + Probabilities) };
        node.Input.Add(HeadNames.Logits);
        node.Output.Add(Probabilities);
        if (activation == OpTypes.Softmax) node.Attribute.Add(Attr.Int("axis", -1));
        graph.AddNode(node);

        var outputs = new List<ValueInfoProto> { logits.Clone(), new() { Name = Probabilities, Type = logits.Type.Clone() } };
        if (embedding) outputs.Add(pooled!.Clone());
        graph.Proto.Output.Clear();
        graph.Proto.Output.AddRange(outputs);
        graph.Invalidate();
        graph.CleanupAndSort();

        foreach (var input in graph.RuntimeInputs.ToList())
        {
            if (TextInputs.Contains(input.Name)) continue;
            if (graph.Consumers(input.Name).Count > 0)
                throw new ExportException($"The inference graph still reads input '{input.Name}' (node '{graph.Consumers(input.Name)[0].Name}'); only {string.Join(", ", TextInputs)} may stay.");
            graph.Proto.Input.Remove(input);
        }
        graph.Invalidate();
        graph.CleanupAndSort();
    }
}

using OrtAdapter.Onnx;

namespace OrtAdapter.Build.Export;

/// <summary>
/// Removes Identity nodes by making their readers read the input (exports alias shared weights through them, and
/// the LoRA branch reads its input through one). An Identity whose output is a graph output stays, as it names it.
/// </summary>
public static class IdentityEliminationPass
{
    public static int Apply(OnnxGraph graph)
    {
        int removed = 0;
        foreach (var node in graph.Nodes.Where(n => n.OpType == OpTypes.Identity && n.Domain.Length == 0).ToList())
        {
            if (graph.IsGraphOutput(node.Output[0])) continue;
            graph.ReplaceAllUses(node.Output[0], node.Input[0]);
            graph.RemoveNode(node);
            removed++;
        }
        graph.CleanupAndSort();
        return removed;
    }
}

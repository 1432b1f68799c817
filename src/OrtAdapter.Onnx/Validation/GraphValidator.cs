using OrtAdapter.Onnx.Protobuf;

namespace OrtAdapter.Onnx;

/// <summary>
/// Structural checks a runtime would otherwise fail on late and vaguely: every node input defined, each value
/// produced once, no cycles, graph outputs produced, every node's domain imported.
/// </summary>
public static class GraphValidator
{
    /// <summary>All problems found, each naming the node or value; empty when the graph is sound.</summary>
    public static IReadOnlyList<string> Check(OnnxGraph graph)
    {
        var problems = new List<string>();
        var defined = new HashSet<string>(StringComparer.Ordinal);
        foreach (var i in graph.Proto.Input) defined.Add(i.Name);
        foreach (var t in graph.Proto.Initializer)
            if (!defined.Add(t.Name) && !graph.IsGraphInput(t.Name)) problems.Add($"initializer '{t.Name}' is defined twice");

        var domains = graph.Model.OpsetImport.Select(o => o.Domain == "ai.onnx" ? "" : o.Domain).ToHashSet(StringComparer.Ordinal);
        foreach (var node in graph.Nodes)
        {
            var domain = node.Domain == "ai.onnx" ? "" : node.Domain;
            if (!domains.Contains(domain))
                problems.Add($"node '{node.Name}' ({node.OpType}) uses domain '{domain}', which the model does not import");
            foreach (var o in node.Output.Where(o => o.Length > 0))
                if (!defined.Add(o)) problems.Add($"value '{o}' is produced twice (again by node '{node.Name}')");
        }

        IReadOnlyList<NodeProto> order;
        try { order = graph.TopologicalOrder(); }
        catch (OnnxFormatException e) { problems.Add(e.Message); return problems; }

        foreach (var node in order)
            foreach (var input in node.Input.Where(i => i.Length > 0 && !defined.Contains(i)))
                problems.Add($"node '{node.Name}' ({node.OpType}) reads '{input}', which nothing defines");
        foreach (var output in graph.Proto.Output.Where(o => !defined.Contains(o.Name)))
            problems.Add($"graph output '{output.Name}' is not produced by any node, input or initializer");
        return problems;
    }

    /// <summary>Throws one <see cref="OnnxFormatException"/> listing every problem, prefixed by <paramref name="origin"/>.</summary>
    public static void ThrowIfInvalid(OnnxGraph graph, string origin)
    {
        var problems = Check(graph);
        if (problems.Count == 0) return;
        var shown = problems.Take(10).Select(p => "  - " + p);
        var more = problems.Count > 10 ? $"\n  ... and {problems.Count - 10} more" : "";
        throw new OnnxFormatException($"{origin}: invalid graph ({problems.Count} problem(s)):\n{string.Join("\n", shown)}{more}");
    }
}

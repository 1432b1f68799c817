using OrtAdapter.Onnx.Protobuf;

namespace OrtAdapter.Onnx;

public sealed partial class OnnxGraph
{
    /// <summary>
    /// Removes nodes whose outputs reach no graph output, then initializers (and their input entries) and
    /// value_info entries nothing reads. Returns how many nodes and initializers went.
    /// </summary>
    public (int Nodes, int Initializers) Cleanup()
    {
        var live = new HashSet<string>(Proto.Output.Select(o => o.Name), StringComparer.Ordinal);
        var keep = new HashSet<NodeProto>(ReferenceEqualityComparer.Instance);
        var order = TopologicalOrder();
        for (int i = order.Count - 1; i >= 0; i--)
        {
            // Walk a topological order backwards so a node is seen after everything that reads it.
            var node = order[i];
            if (!node.Output.Any(live.Contains)) continue;
            keep.Add(node);
            foreach (var input in node.Input) live.Add(input);
            foreach (var g in SubgraphInputs(node)) live.Add(g);
        }
        int removedNodes = Proto.Node.Count - keep.Count;
        var kept = Proto.Node.Where(keep.Contains).ToList();
        Proto.Node.Clear(); Proto.Node.AddRange(kept);

        var deadInits = Proto.Initializer.Where(t => !live.Contains(t.Name)).ToList();
        foreach (var t in deadInits) Proto.Initializer.Remove(t);
        var deadNames = deadInits.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var i in Proto.Input.Where(i => deadNames.Contains(i.Name)).ToList()) Proto.Input.Remove(i);
        var produced = kept.SelectMany(n => n.Output).ToHashSet(StringComparer.Ordinal);
        foreach (var v in Proto.ValueInfo.Where(v => !produced.Contains(v.Name)).ToList()) Proto.ValueInfo.Remove(v);
        _stale = true;
        return (removedNodes, deadInits.Count);
    }

    /// <summary>Orders nodes so each comes after the producers of its inputs; keeps the existing order where it can.</summary>
    public void TopologicalSort()
    {
        var order = TopologicalOrder();
        Proto.Node.Clear();
        Proto.Node.AddRange(order);
        _stale = true;
    }

    /// <summary>Edits end with this: dead nodes and initializers removed, nodes in topological order.</summary>
    public void CleanupAndSort()
    {
        TopologicalSort();
        Cleanup();
    }

    /// <summary>A topological order of the nodes (stable: ties keep file order). Throws naming the nodes of a cycle.</summary>
    public IReadOnlyList<NodeProto> TopologicalOrder()
    {
        var nodes = Proto.Node;
        var producerIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < nodes.Count; i++)
            foreach (var o in nodes[i].Output.Where(o => o.Length > 0)) producerIndex[o] = i;

        var pending = new int[nodes.Count];
        var readers = new List<int>[nodes.Count];
        for (int i = 0; i < nodes.Count; i++) readers[i] = [];
        for (int i = 0; i < nodes.Count; i++)
            foreach (var input in nodes[i].Input.Concat(SubgraphInputs(nodes[i])).Distinct())
                if (producerIndex.TryGetValue(input, out var p) && p != i) { pending[i]++; readers[p].Add(i); }
                else if (producerIndex.TryGetValue(input, out p) && p == i) throw CycleError([nodes[i]]);

        var ready = new PriorityQueue<int, int>();
        for (int i = 0; i < nodes.Count; i++) if (pending[i] == 0) ready.Enqueue(i, i);
        var order = new List<NodeProto>(nodes.Count);
        while (ready.TryDequeue(out var i, out _))
        {
            order.Add(nodes[i]);
            foreach (var r in readers[i]) if (--pending[r] == 0) ready.Enqueue(r, r);
        }
        if (order.Count != nodes.Count)
            throw CycleError(Enumerable.Range(0, nodes.Count).Where(i => pending[i] > 0).Select(i => nodes[i]));
        return order;
    }

    static OnnxFormatException CycleError(IEnumerable<NodeProto> stuck)
    {
        var names = stuck.Take(8).Select(n => $"'{n.Name}' ({n.OpType})");
        return new OnnxFormatException($"The graph has a cycle through nodes {string.Join(", ", names)}.");
    }

    /// <summary>Outer values that a node's subgraphs (If/Loop/Scan bodies) read implicitly.</summary>
    static IEnumerable<string> SubgraphInputs(NodeProto node)
    {
        foreach (var a in node.Attribute)
            foreach (var g in a.G is null ? a.Graphs : a.Graphs.Append(a.G))
            {
                var local = g.Node.SelectMany(n => n.Output).Concat(g.Input.Select(i => i.Name)).Concat(g.Initializer.Select(t => t.Name)).ToHashSet();
                foreach (var n in g.Node)
                    foreach (var i in n.Input.Concat(SubgraphInputs(n)))
                        if (i.Length > 0 && !local.Contains(i)) yield return i;
            }
    }
}

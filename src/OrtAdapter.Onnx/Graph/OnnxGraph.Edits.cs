using OrtAdapter.Onnx.Protobuf;

namespace OrtAdapter.Onnx;

public sealed partial class OnnxGraph
{
    /// <summary>Appends a node (position is fixed later by <see cref="TopologicalSort"/>).</summary>
    public NodeProto AddNode(NodeProto node)
    {
        EnsureIndex();
        Proto.Node.Add(node);
        Index(node);
        return node;
    }

    /// <summary>Creates and appends a node; its name and single output name are made unique from <paramref name="name"/>.</summary>
    public NodeProto AddNode(string opType, IEnumerable<string> inputs, string name, int outputCount = 1, string domain = "", params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = opType, Name = UniqueName(name), Domain = domain };
        node.Input.AddRange(inputs);
        for (int i = 0; i < outputCount; i++) node.Output.Add(UniqueName(outputCount == 1 ? name + "/out" : $"{name}/out{i}"));
        node.Attribute.AddRange(attributes);
        return AddNode(node);
    }

    public void InsertBefore(NodeProto anchor, NodeProto node) => InsertAt(IndexOf(anchor), node);
    public void InsertAfter(NodeProto anchor, NodeProto node) => InsertAt(IndexOf(anchor) + 1, node);

    public void RemoveNode(NodeProto node)
    {
        if (!Proto.Node.Remove(node)) throw new InvalidOperationException($"Node '{node.Name}' ({node.OpType}) is not in the graph.");
        _stale = true;
    }

    public void AddInitializer(TensorProto tensor)
    {
        if (IsDefined(tensor.Name)) throw new InvalidOperationException($"Value '{tensor.Name}' already exists; an initializer needs a fresh name.");
        Proto.Initializer.Add(tensor);
        _stale = true;
    }

    public void RemoveInitializer(string name)
    {
        var t = Initializer(name) ?? throw new InvalidOperationException($"No initializer '{name}'.");
        Proto.Initializer.Remove(t);
        var asInput = Proto.Input.FirstOrDefault(i => i.Name == name);
        if (asInput is not null) Proto.Input.Remove(asInput);
        _stale = true;
    }

    /// <summary>
    /// Makes every reader of <paramref name="oldValue"/> (nodes and graph outputs) read <paramref name="newValue"/>
    /// instead; <paramref name="except"/> keeps a node on the old value (the node that computes the new one from it).
    /// </summary>
    public void ReplaceAllUses(string oldValue, string newValue, NodeProto? except = null)
    {
        foreach (var node in Consumers(oldValue).ToList())
        {
            if (ReferenceEquals(node, except)) continue;
            for (int i = 0; i < node.Input.Count; i++)
                if (node.Input[i] == oldValue) node.Input[i] = newValue;
        }
        // A graph output that was the old value becomes the new one (its public name changes with it).
        foreach (var o in Proto.Output.Where(o => o.Name == oldValue)) o.Name = newValue;
        _stale = true;
    }

    /// <summary>
    /// Inserts a node on the edge leaving <paramref name="value"/>: <paramref name="build"/> receives the value and
    /// returns a node reading it; every other reader then reads the node's first output.
    /// </summary>
    public NodeProto InsertOnEdge(string value, Func<string, NodeProto> build)
    {
        var node = build(value);
        AddNode(node);
        ReplaceAllUses(value, node.Output[0], except: node);
        return node;
    }

    int IndexOf(NodeProto anchor)
    {
        var i = Proto.Node.IndexOf(anchor);
        return i >= 0 ? i : throw new InvalidOperationException($"Node '{anchor.Name}' ({anchor.OpType}) is not in the graph.");
    }

    void InsertAt(int index, NodeProto node)
    {
        Proto.Node.Insert(index, node);
        _stale = true;
    }
}

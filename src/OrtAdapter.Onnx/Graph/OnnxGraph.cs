using OrtAdapter.Onnx.Protobuf;

namespace OrtAdapter.Onnx;

/// <summary>
/// An indexed, editable view over a model's main graph: values with their producer and consumers, initializers
/// and inputs by name. Edits go through this class so the index stays right; the protobuf underneath is the
/// model itself, so saving <see cref="Model"/> saves the edits.
/// </summary>
public sealed partial class OnnxGraph
{
    readonly Dictionary<string, NodeProto> _producers = new(StringComparer.Ordinal);
    readonly Dictionary<string, List<NodeProto>> _consumers = new(StringComparer.Ordinal);
    readonly Dictionary<string, TensorProto> _initializers = new(StringComparer.Ordinal);
    readonly HashSet<string> _usedNames = new(StringComparer.Ordinal);
    bool _stale = true;

    public OnnxGraph(ModelProto model)
    {
        Model = model ?? throw new ArgumentNullException(nameof(model));
        if (model.Graph is null) throw new OnnxFormatException("Model has no graph.");
    }

    public static OnnxGraph Load(string path, bool loadExternalData = true) => new(ModelFile.Load(path, loadExternalData));

    public ModelProto Model { get; }
    public GraphProto Proto => Model.Graph;
    public IReadOnlyList<NodeProto> Nodes => Proto.Node;

    /// <summary>The node that produces <paramref name="value"/>, or null for graph inputs, initializers and unknown names.</summary>
    public NodeProto? Producer(string value)
    {
        EnsureIndex();
        return _producers.GetValueOrDefault(value);
    }

    /// <summary>Nodes that read <paramref name="value"/> (a node reading it twice is listed once).</summary>
    public IReadOnlyList<NodeProto> Consumers(string value)
    {
        EnsureIndex();
        return _consumers.TryGetValue(value, out var list) ? list : [];
    }

    public TensorProto? Initializer(string name)
    {
        EnsureIndex();
        return _initializers.GetValueOrDefault(name);
    }

    public bool IsInitializer(string name) => Initializer(name) is not null;
    public IEnumerable<TensorProto> Initializers => Proto.Initializer;

    /// <summary>Graph inputs that are not initializers (IR ≥ 4 lets initializers appear as inputs too).</summary>
    public IEnumerable<ValueInfoProto> RuntimeInputs => Proto.Input.Where(i => !IsInitializer(i.Name));
    public bool IsGraphInput(string name) => Proto.Input.Any(i => i.Name == name);
    public bool IsGraphOutput(string name) => Proto.Output.Any(o => o.Name == name);

    /// <summary>True when the name is produced by a node, is an input or an initializer.</summary>
    public bool IsDefined(string name) => name.Length == 0 || Producer(name) is not null || IsInitializer(name) || IsGraphInput(name);

    /// <summary>The opset version imported for a domain ("" and "ai.onnx" are the same), or 0 when none.</summary>
    public int OpsetVersion(string domain = "")
    {
        var d = NormalizeDomain(domain);
        var entry = Model.OpsetImport.FirstOrDefault(o => NormalizeDomain(o.Domain) == d);
        return entry is null ? 0 : (int)entry.Version;
    }

    /// <summary>Imports a domain at a version, or changes its version.</summary>
    public void SetOpsetVersion(string domain, int version)
    {
        var d = NormalizeDomain(domain);
        var entry = Model.OpsetImport.FirstOrDefault(o => NormalizeDomain(o.Domain) == d);
        if (entry is null) Model.OpsetImport.Add(new OperatorSetIdProto { Domain = domain, Version = version });
        else entry.Version = version;
    }

    /// <summary>A value or node name not used anywhere in the graph yet, derived from <paramref name="prefix"/>.</summary>
    public string UniqueName(string prefix)
    {
        EnsureIndex();
        if (_usedNames.Add(prefix)) return prefix;
        for (int i = 1; ; i++)
        {
            var candidate = $"{prefix}_{i}";
            if (_usedNames.Add(candidate)) return candidate;
        }
    }

    static string NormalizeDomain(string domain) => domain == "ai.onnx" ? "" : domain;

    void EnsureIndex()
    {
        if (!_stale) return;
        _producers.Clear(); _consumers.Clear(); _initializers.Clear(); _usedNames.Clear();
        foreach (var t in Proto.Initializer) { _initializers[t.Name] = t; _usedNames.Add(t.Name); }
        foreach (var i in Proto.Input) _usedNames.Add(i.Name);
        foreach (var o in Proto.Output) _usedNames.Add(o.Name);
        foreach (var v in Proto.ValueInfo) _usedNames.Add(v.Name);
        foreach (var n in Proto.Node) Index(n);
        _stale = false;
    }

    void Index(NodeProto node)
    {
        if (node.Name.Length > 0) _usedNames.Add(node.Name);
        foreach (var o in node.Output.Where(o => o.Length > 0)) { _producers[o] = node; _usedNames.Add(o); }
        foreach (var i in node.Input.Distinct())
        {
            if (i.Length == 0) continue;
            if (!_consumers.TryGetValue(i, out var list)) _consumers[i] = list = [];
            list.Add(node);
            _usedNames.Add(i);
        }
    }

    /// <summary>Marks the index for a rebuild after a direct edit of <see cref="Proto"/>.</summary>
    public void Invalidate() => _stale = true;
}

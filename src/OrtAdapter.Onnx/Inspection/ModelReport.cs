using OrtAdapter.Onnx.Protobuf;

namespace OrtAdapter.Onnx;

/// <summary>
/// What a model is, at a glance: interface, opsets, producer, op histogram, parameters and the largest
/// initializers. Built from the protobuf alone (external tensors are measured from their dims, not read),
/// so front ends only format it.
/// </summary>
/// <param name="Source">Where the model came from (a path), or null.</param>
/// <param name="IrVersion">The model's ONNX IR version.</param>
/// <param name="ProducerName">producer_name ("" when absent).</param>
/// <param name="ProducerVersion">producer_version ("" when absent).</param>
/// <param name="Domain">The model's domain ("" when absent).</param>
/// <param name="ModelVersion">model_version (0 when absent).</param>
/// <param name="GraphName">The main graph's name.</param>
/// <param name="Opsets">Imported operator sets, in file order; the default domain is written "ai.onnx".</param>
/// <param name="Inputs">Graph inputs that are not initializers, in file order.</param>
/// <param name="Outputs">Graph outputs, in file order.</param>
/// <param name="NodeCount">Nodes in the main graph and every subgraph.</param>
/// <param name="OpHistogram">Node count per op type (domain-qualified outside ai.onnx), most frequent first, ties by name.</param>
/// <param name="InitializerCount">Initializers of the main graph.</param>
/// <param name="ParameterCount">Elements summed over all initializers of the main graph.</param>
/// <param name="ParameterBytes">Bytes of those elements (fixed-size types; strings count 0).</param>
/// <param name="ExternalBytes">Of <paramref name="ParameterBytes"/>, the bytes stored in external data.</param>
/// <param name="LargestInitializers">The <see cref="LargestCount"/> largest initializers by bytes, ties by name.</param>
/// <param name="MetadataProps">metadata_props entries, in file order.</param>
public sealed record ModelReport(
    string? Source,
    long IrVersion,
    string ProducerName,
    string ProducerVersion,
    string Domain,
    long ModelVersion,
    string GraphName,
    IReadOnlyList<OpsetReport> Opsets,
    IReadOnlyList<ValueReport> Inputs,
    IReadOnlyList<ValueReport> Outputs,
    int NodeCount,
    IReadOnlyList<OpCount> OpHistogram,
    int InitializerCount,
    long ParameterCount,
    long ParameterBytes,
    long ExternalBytes,
    IReadOnlyList<InitializerReport> LargestInitializers,
    IReadOnlyList<KeyValuePair<string, string>> MetadataProps)
{
    /// <summary>How many initializers <see cref="LargestInitializers"/> lists at most.</summary>
    public const int LargestCount = 10;

    /// <summary>Describes a model; <paramref name="source"/> (a path) is only recorded.</summary>
    public static ModelReport Create(ModelProto model, string? source = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        var graph = model.Graph ?? throw new OnnxFormatException($"{source ?? "<model>"}: the model has no graph.");
        var initializerNames = graph.Initializer.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);

        var histogram = new Dictionary<string, int>(StringComparer.Ordinal);
        int nodeCount = 0;
        foreach (var node in AllNodes(graph))
        {
            nodeCount++;
            var key = node.Domain is "" or "ai.onnx" ? node.OpType : $"{node.Domain}.{node.OpType}";
            histogram[key] = histogram.GetValueOrDefault(key) + 1;
        }

        var initializers = graph.Initializer.Select(InitializerReport.Of).ToList();
        return new ModelReport(
            source,
            model.IrVersion,
            model.ProducerName,
            model.ProducerVersion,
            model.Domain,
            model.ModelVersion,
            graph.Name,
            model.OpsetImport.Select(o => new OpsetReport(o.Domain is "" ? "ai.onnx" : o.Domain, o.Version)).ToList(),
            graph.Input.Where(i => !initializerNames.Contains(i.Name)).Select(ValueReport.Of).ToList(),
            graph.Output.Select(ValueReport.Of).ToList(),
            nodeCount,
            histogram.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal)
                .Select(p => new OpCount(p.Key, p.Value)).ToList(),
            initializers.Count,
            initializers.Sum(i => i.Elements),
            initializers.Sum(i => i.Bytes),
            initializers.Where(i => i.External).Sum(i => i.Bytes),
            initializers.OrderByDescending(i => i.Bytes).ThenBy(i => i.Name, StringComparer.Ordinal).Take(LargestCount).ToList(),
            model.MetadataProps.Select(p => new KeyValuePair<string, string>(p.Key, p.Value)).ToList());
    }

    static IEnumerable<NodeProto> AllNodes(GraphProto graph)
    {
        foreach (var node in graph.Node)
        {
            yield return node;
            foreach (var a in node.Attribute)
                foreach (var g in a.G is null ? a.Graphs : a.Graphs.Append(a.G))
                    foreach (var inner in AllNodes(g))
                        yield return inner;
        }
    }
}

/// <summary>An imported operator set.</summary>
public sealed record OpsetReport(string Domain, long Version);

/// <summary>How many nodes run one op type.</summary>
public sealed record OpCount(string OpType, int Count);

/// <summary>
/// A graph input or output: element type name ("float", "int64", or the value's kind when it is not a tensor)
/// and dims as text (a number, a symbolic name, or "?"); <see cref="Shape"/> is null when the rank is unknown.
/// </summary>
public sealed record ValueReport(string Name, string ElementType, IReadOnlyList<string>? Shape)
{
    public static ValueReport Of(ValueInfoProto value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var type = TensorType.From(value.Type);
        if (type is null) return new ValueReport(value.Name, value.Type?.ValueCase.ToString().ToLowerInvariant() ?? "unknown", null);
        return new ValueReport(value.Name, DataTypes.Name(type.ElemType), type.Shape?.Select(d => d.ToString()).ToList());
    }

    /// <summary>"float[batch, sequence, 256]"-style text.</summary>
    public string FormatType() => $"{ElementType}[{(Shape is null ? "?" : string.Join(", ", Shape))}]";
}

/// <summary>One initializer: type, dims, element count and bytes; <see cref="External"/> when stored in external data.</summary>
public sealed record InitializerReport(string Name, string ElementType, IReadOnlyList<long> Dims, long Elements, long Bytes, bool External)
{
    public static InitializerReport Of(TensorProto tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        return new InitializerReport(tensor.Name, DataTypes.Name(tensor.DataType), tensor.Dims.ToList(),
            TensorData.ElementCount(tensor.Dims), TensorData.ByteSize(tensor), ExternalData.IsExternal(tensor));
    }

    /// <summary>"[8010, 256]"-style text.</summary>
    public string FormatDims() => $"[{string.Join(", ", Dims)}]";
}

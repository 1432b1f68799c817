using OrtAdapter.Onnx;
using OrtAdapter.Onnx.Protobuf;

namespace OrtAdapter.Build.Tests.Encoders;

/// <summary>Compares an encoder with an export: structure (everything but weight values), op histogram, parameters.</summary>
static class ExportComparison
{
    /// <summary>Differences in opsets, interface, initializer names/types/dims/order, and every node field; empty when equal.</summary>
    public static List<string> StructuralDifferences(ModelProto actual, ModelProto expected)
    {
        var d = new List<string>();
        Same(d, "ir_version", actual.IrVersion, expected.IrVersion);
        Same(d, "opset_import", actual.OpsetImport.ToString(), expected.OpsetImport.ToString());
        Same(d, "graph name", actual.Graph.Name, expected.Graph.Name);
        Same(d, "inputs", actual.Graph.Input.ToString(), expected.Graph.Input.ToString());
        Same(d, "outputs", actual.Graph.Output.ToString(), expected.Graph.Output.ToString());
        Same(d, "initializers", Describe(actual.Graph.Initializer), Describe(expected.Graph.Initializer));
        Same(d, "node count", actual.Graph.Node.Count, expected.Graph.Node.Count);
        for (int i = 0; i < Math.Min(actual.Graph.Node.Count, expected.Graph.Node.Count); i++)
            if (!actual.Graph.Node[i].Equals(expected.Graph.Node[i]))
                d.Add($"node {i}:\n  actual   {actual.Graph.Node[i]}\n  expected {expected.Graph.Node[i]}");
        return d;
    }

    public static string Histogram(ModelProto model) =>
        string.Join(", ", ModelReport.Create(model).OpHistogram.Select(c => $"{c.OpType}={c.Count}"));

    /// <summary>BertModel's parameters: initializer elements, plus those of Identity aliases of initializers (de-duplicated ones).</summary>
    public static long ParameterCount(ModelProto model)
    {
        var sizes = model.Graph.Initializer.ToDictionary(t => t.Name, t => TensorData.ElementCount(t.Dims));
        var aliased = model.Graph.Node.Where(n => n.OpType == OpTypes.Identity && sizes.ContainsKey(n.Input[0])).Sum(n => sizes[n.Input[0]]);
        return sizes.Values.Sum() + aliased;
    }

    static string Describe(IEnumerable<TensorProto> tensors) =>
        string.Join("\n", tensors.Select(t => $"{t.Name} {DataTypes.Name(t.DataType)}[{string.Join(",", t.Dims)}]"));

    static void Same<T>(List<string> d, string what, T actual, T expected)
    {
        if (!EqualityComparer<T>.Default.Equals(actual, expected)) d.Add($"{what}: actual {actual}, expected {expected}");
    }
}

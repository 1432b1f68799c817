using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using OrtAdapter.Onnx;
using OrtAdapter.Onnx.Protobuf;

namespace OrtAdapter.Build.Export;

/// <summary>
/// Folds constant subgraphs into initializers: Constant nodes become initializers, Identity of a constant is
/// bypassed, and every other node of <see cref="FoldableOps"/> whose inputs are all constant is evaluated, all of
/// them in one ONNX Runtime session on a graph of just those nodes (so the values are the runtime's own). Ops that
/// can blow a small constant up (Expand, Tile, ConstantOfShape, Range) or are random are left alone.
/// </summary>
public static class ConstantFoldingPass
{
    public static readonly IReadOnlySet<string> FoldableOps = new HashSet<string>(StringComparer.Ordinal)
    {
        OpTypes.Identity, OpTypes.Cast, OpTypes.Unsqueeze, OpTypes.Squeeze, OpTypes.Reshape, OpTypes.Transpose, OpTypes.Concat,
        OpTypes.Gather, OpTypes.Slice, OpTypes.Shape, OpTypes.Size, OpTypes.Add, OpTypes.Sub, OpTypes.Mul, OpTypes.Div,
        OpTypes.Pow, OpTypes.Sqrt, OpTypes.Neg, OpTypes.Reciprocal, OpTypes.Abs, OpTypes.Exp, OpTypes.Log, OpTypes.Erf,
        OpTypes.Tanh, OpTypes.Sigmoid, OpTypes.Relu, OpTypes.Equal, OpTypes.Less, OpTypes.Greater, OpTypes.Not, OpTypes.And,
        OpTypes.Or, OpTypes.Where, OpTypes.Max, OpTypes.Min, OpTypes.ReduceSum, OpTypes.ReduceMean, OpTypes.Clip,
    };

    /// <summary>Returns how many nodes were folded away.</summary>
    public static int Apply(OnnxGraph graph)
    {
        int before = graph.Nodes.Count;
        ConstantsToInitializers(graph);
        IdentityEliminationPass.Apply(graph);
        EvaluateConstantNodes(graph);
        graph.CleanupAndSort();
        return before - graph.Nodes.Count;
    }

    static void ConstantsToInitializers(OnnxGraph graph)
    {
        foreach (var node in graph.Nodes.Where(n => n.OpType == OpTypes.Constant && n.Domain.Length == 0).ToList())
        {
            if (graph.IsGraphOutput(node.Output[0]) || ValueOf(node) is not { } value) continue;
            value.Name = node.Output[0];
            graph.RemoveNode(node);
            graph.AddInitializer(value);
        }
        graph.CleanupAndSort();
    }

    static TensorProto? ValueOf(NodeProto constant)
    {
        if (constant.Attribute.Count != 1) return null;
        var a = constant.Attribute[0];
        return a.Name switch
        {
            "value" when a.T.DataType != (int)TensorProto.Types.DataType.String => a.T.Clone(),
            "value_float" => TensorData.Scalar("", a.F),
            "value_floats" => TensorData.Create<float>("", a.Floats.ToArray(), a.Floats.Count),
            "value_int" => TensorData.Scalar("", a.I),
            "value_ints" => TensorData.Create<long>("", a.Ints.ToArray(), a.Ints.Count),
            _ => null,
        };
    }

    static void EvaluateConstantNodes(OnnxGraph graph)
    {
        var constant = graph.Initializers.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        var folded = new List<NodeProto>();
        foreach (var node in graph.TopologicalOrder())
        {
            if (node.Domain.Length != 0 || !FoldableOps.Contains(node.OpType) || node.Attribute.Any(a => a.G is not null || a.Graphs.Count > 0)) continue;
            if (!node.Input.All(i => i.Length == 0 || constant.Contains(i))) continue;
            folded.Add(node);
            foreach (var o in node.Output.Where(o => o.Length > 0)) constant.Add(o);
        }
        if (folded.Count == 0) return;

        // Materialise only what the rest of the graph reads; values used inside the folded set stay internal.
        var foldedSet = folded.ToHashSet(ReferenceEqualityComparer.Instance);
        var needed = folded.SelectMany(n => n.Output).Where(o => o.Length > 0
            && (graph.IsGraphOutput(o) || graph.Consumers(o).Any(c => !foldedSet.Contains(c)))).Distinct().ToList();
        var values = Evaluate(graph, folded, needed);
        foreach (var n in folded) graph.RemoveNode(n);
        foreach (var (name, tensor) in needed.Zip(values))
        {
            tensor.Name = name;
            graph.Proto.Initializer.Add(tensor);
        }
        graph.Invalidate();
    }

    static List<TensorProto> Evaluate(OnnxGraph graph, List<NodeProto> nodes, List<string> outputs)
    {
        var types = ShapeInference.Infer(graph);
        var model = new ModelProto { IrVersion = graph.Model.IrVersion, Graph = new GraphProto { Name = "constant_folding" } };
        model.OpsetImport.AddRange(graph.Model.OpsetImport.Select(o => o.Clone()));
        var reads = nodes.SelectMany(n => n.Input).Where(i => i.Length > 0).ToHashSet(StringComparer.Ordinal);
        model.Graph.Initializer.AddRange(graph.Initializers.Where(t => reads.Contains(t.Name)).Select(t => t.Clone()));
        model.Graph.Node.AddRange(nodes.Select(n => n.Clone()));
        foreach (var o in outputs)
            model.Graph.Output.Add(new ValueInfoProto
            {
                Name = o,
                Type = (types.GetValueOrDefault(o) ?? throw new ExportException($"Constant folding: the type of '{o}' (node '{graph.Producer(o)?.Name}') is unknown.")).ToTypeProto(),
            });

        using var options = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1, GraphOptimizationLevel = GraphOptimizationLevel.ORT_DISABLE_ALL };
        using var session = new InferenceSession(model.ToByteArray(), options);
        using var run = new RunOptions();
        using var results = session.Run(run, [], [], outputs);
        return results.Select(ToTensor).ToList();
    }

    static TensorProto ToTensor(OrtValue value)
    {
        var info = value.GetTensorTypeAndShape();
        var t = new TensorProto { DataType = (int)info.ElementDataType, RawData = ByteString.CopyFrom(value.GetTensorMutableRawData()) };
        t.Dims.AddRange(info.Shape);
        return t;
    }
}

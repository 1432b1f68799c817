using Microsoft.ML.OnnxRuntime;
using OrtAdapter.Build.Surgery;
using OrtAdapter.Onnx;
using OrtAdapter.Onnx.Protobuf;
using DataType = OrtAdapter.Onnx.Protobuf.TensorProto.Types.DataType;

namespace OrtAdapter.Build.Tests.Surgery;

[TestClass]
public sealed class MatMulLayoutPassTests
{
    /// <summary>
    /// Attention's scores Q·Kᵀ with Kᵀ exported as Transpose(k, [0,2,3,1]) from [B,S,H,D]: after the pass the same
    /// values come from a block move [0,2,1,3], a shape-keeping Reshape and a swap, and ONNX Runtime runs no strided copy.
    /// A Transpose that something other than a MatMul reads is left as it was.
    /// </summary>
    [TestMethod]
    public void KTransposedBecomesABlockMoveAndASwapWithTheSameScores()
    {
        var graph = Attention(out var kT, out var other);
        var before = Run(graph);

        Assert.AreEqual(1, MatMulLayoutPass.Apply(graph));
        var swap = graph.Producer(kT)!;
        CollectionAssert.AreEqual(new long[] { 0, 1, 3, 2 }, Attr.GetInts(swap, "perm"));
        var reshape = graph.Producer(swap.Input[0])!;
        Assert.AreEqual(OpTypes.Reshape, reshape.OpType);
        CollectionAssert.AreEqual(new long[] { 0, 2, 1, 3 }, Attr.GetInts(graph.Producer(reshape.Input[0])!, "perm"));
        CollectionAssert.AreEqual(new long[] { 0, 2, 3, 1 }, Attr.GetInts(graph.Producer(other)!, "perm"), "read by a ReduceSum: kept");

        var after = Run(graph, out var optimized);
        // Equal up to summation order (ONNX Runtime may reorder the ReduceSum once the Transposes are no longer shared).
        foreach (var (name, values) in before)
            for (int i = 0; i < values.Length; i++) Assert.AreEqual(values[i], after[name][i], 1e-6f * Math.Abs(values[i]), $"{name}[{i}]");
        var product = optimized.Single(n => n.OpType is "FusedMatMul" or OpTypes.MatMul);
        Assert.AreEqual("FusedMatMul", product.OpType, "ONNX Runtime folds the swap into the product");
        Assert.AreEqual(1, Attr.GetInt(product, "transB", 0));
        NodeProto ProducerOf(string value) => optimized.Single(n => n.Output.Contains(value));
        var kept = ProducerOf(product.Input[1]);
        Assert.AreEqual(OpTypes.Reshape, kept.OpType);
        CollectionAssert.AreEqual(new long[] { 0, 2, 1, 3 }, Attr.GetInts(ProducerOf(kept.Input[0]), "perm"), "K is moved in blocks only");
    }

    /// <summary>scores = q · Transpose(k, [0,2,3,1]), and a second Transpose of k that a ReduceSum reads.</summary>
    static OnnxGraph Attention(out string kT, out string other)
    {
        var model = new ModelProto { IrVersion = 8, Graph = new GraphProto { Name = "attention" } };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 17 });
        var graph = new OnnxGraph(model);
        // Batch and sequence symbolic, as exports declare them (ONNX Runtime drops a Reshape it can prove to be a no-op).
        foreach (var (name, shape) in new[] { ("q", new[] { Dim.Named("batch"), Dim.Of(3), Dim.Named("sequence"), Dim.Of(4) }), ("k", [Dim.Named("batch"), Dim.Named("sequence"), Dim.Of(3), Dim.Of(4)]) })
            graph.Proto.Input.Add(new ValueInfoProto { Name = name, Type = new TensorType((int)DataType.Float, shape).ToTypeProto() });
        graph.Invalidate();
        var b = new OpBuilder(graph, "attention");
        kT = b.Transpose("k", 0, 2, 3, 1);
        other = b.Transpose("k", 0, 2, 3, 1);
        foreach (var output in new[] { b.MatMul("q", kT), b.ReduceSum(other, [3], keepDims: false) })
            graph.Proto.Output.Add(new ValueInfoProto { Name = output, Type = new TensorType((int)DataType.Float, null).ToTypeProto() });
        return graph;
    }

    static Dictionary<string, float[]> Run(OnnxGraph graph) => Run(graph, out _);

    /// <summary>Runs the graph on fixed inputs; <paramref name="optimized"/> is ONNX Runtime's optimized graph.</summary>
    static Dictionary<string, float[]> Run(OnnxGraph graph, out IReadOnlyList<NodeProto> optimized)
    {
        var path = Path.Combine(Path.GetTempPath(), $"ortadapter-layout-{Environment.ProcessId}-{Guid.NewGuid():N}.onnx");
        try
        {
            using var options = new SessionOptions { OptimizedModelFilePath = path, IntraOpNumThreads = 1 };
            using var session = new InferenceSession(ModelFile.ToBytes(graph.Model), options);
            var rng = new Random(3);
            var feeds = new Dictionary<string, OrtValue>
            {
                ["q"] = OrtValue.CreateTensorValueFromMemory(Enumerable.Range(0, 120).Select(_ => (float)rng.NextDouble()).ToArray(), [2, 3, 5, 4]),
                ["k"] = OrtValue.CreateTensorValueFromMemory(Enumerable.Range(0, 120).Select(_ => (float)rng.NextDouble()).ToArray(), [2, 5, 3, 4]),
            };
            using var run = new RunOptions();
            using var outputs = session.Run(run, feeds, session.OutputNames);
            foreach (var f in feeds.Values) f.Dispose();
            optimized = [.. ModelFile.Load(path).Graph.Node];
            return session.OutputNames.Zip(outputs).ToDictionary(p => p.First, p => p.Second.GetTensorDataAsSpan<float>().ToArray());
        }
        finally { File.Delete(path); }
    }
}

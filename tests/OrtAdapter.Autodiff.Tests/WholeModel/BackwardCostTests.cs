using System.Diagnostics;
using OrtAdapter.Autodiff.Analysis;
using OrtAdapter.Onnx;
using OrtAdapter.Onnx.Protobuf;

namespace OrtAdapter.Autodiff.Tests.WholeModel;

/// <summary>What the emitted backward costs on whole encoders: MatMul FLOPs, run-time shape work, emission.</summary>
[TestClass]
public sealed class BackwardCostTests
{
    static readonly Dictionary<string, long> BenchDims = new() { ["batch_size"] = 32, ["sequence_length"] = 128 };

    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    [DataRow("bert-mini-uncased/model_opset14.onnx")]
    [DataRow("bert-mini-uncased/model_opset17.onnx")]
    [DataRow("distilbert-style-random/model_opset14.onnx")]
    public void FrozenLinearsGetOnlyTheirInputGradientMatMul(string file)
    {
        var g = new OnnxGraph(Encoders.Load(Encoders.Bundled(file)));
        var forward = g.Nodes.Where(n => n.OpType is OpTypes.MatMul or OpTypes.Gemm).ToList();
        GradientBuilder.Build(g, AddSumLoss(g), Encoders.LayerNormBiases(g));

        // A frozen Linear (weight an initializer) contributes dX = dY·Wᵀ and nothing for W; Q·Kᵀ and P·V need both.
        foreach (var node in forward)
        {
            var emitted = g.Nodes.Count(n => n.OpType is OpTypes.MatMul or OpTypes.Gemm && n.Name.StartsWith(node.Name + "/grad/", StringComparison.Ordinal));
            var frozenWeight = node.Input.Skip(1).Any(i => Encoders.InitializerBehind(g, i) is not null);
            Assert.AreEqual(frozenWeight ? 1 : 2, emitted, $"{node.Name}: gradient MatMul/Gemm nodes");
        }
        var report = MatMulFlops.Count(g.Model, BenchDims);
        TestContext.WriteLine($"{file}: forward {report.Forward:N0} FLOPs, gradient {report.Gradient:N0}, ratio {report.Ratio:F3}");
        var types = ShapeInference.Infer(g);
        Assert.IsEmpty(report.Unresolved, string.Join("\n", report.Unresolved.Take(6).Select(n => g.Nodes.First(x => x.Name == n.Node)).Select(n => $"{n.Name}: " + string.Join(", ", n.Input.Concat(n.Output).Select(i => $"{i}:{(types.TryGetValue(i, out var t) ? t : null)}")))));
        Assert.IsTrue(report.Ratio is > 1.0 and < 1.2, $"ratio {report.Ratio}");
    }

    [TestMethod]
    [DataRow("bert-mini-uncased/model_opset14.onnx")]
    [DataRow("bert-mini-uncased/model_opset17.onnx")]
    [DataRow("distilbert-style-random/model_opset14.onnx")]
    public void SymbolicDimsSurviveSoBroadcastGradientsAreStatic(string file)
    {
        var g = new OnnxGraph(Encoders.Load(Encoders.Bundled(file)));
        var types = ShapeInference.Infer(g);
        // Through the attention reshape chains (Shape/Gather/Concat -> Reshape, Transpose) to the scores and outputs.
        foreach (var n in g.Nodes.Where(n => n.OpType is OpTypes.Softmax or OpTypes.MatMul or OpTypes.Reshape))
            Assert.IsTrue(types[n.Output[0]].Shape!.All(d => d.IsKnown || d.Param is not null), $"{n.Name}: {types[n.Output[0]]}");

        var sample = Encoders.Sample(g);
        GradientBuilder.Build(g, AddSumLoss(g), [sample.WordEmbedding, .. sample.Dense]);
        var nonZero = g.Nodes.Count(n => n.OpType == OpTypes.NonZero);
        TestContext.WriteLine($"{file}: {nonZero} NonZero nodes in the backward graph");
        Assert.AreEqual(0, nonZero);
    }

    [TestMethod]
    public void BenchEncoderBackwardCostAndDeterministicEmission()
    {
        if (!File.Exists(Encoders.Bench)) Assert.Inconclusive($"{Encoders.Bench} is absent.");
        var times = new List<double>();
        var files = new List<byte[]>();
        MatMulFlopReport? report = null;
        for (int i = 0; i < 2; i++)
        {
            var g = new OnnxGraph(Encoders.Load(Encoders.Bench));
            var trainable = Encoders.LayerNormBiases(g);
            var loss = AddSumLoss(g);
            var clock = Stopwatch.StartNew();
            GradientBuilder.Build(g, loss, trainable);
            var bytes = ModelFile.ToBytes(g.Model);
            times.Add(clock.Elapsed.TotalSeconds);
            files.Add(bytes);
            report ??= MatMulFlops.Count(g.Model, BenchDims);
        }
        Console.WriteLine($"bench-l6-h384, LayerNorm biases trainable, batch 32 x 128: forward MatMul/Gemm {report!.Forward / 1e9:F1} GFLOP, " +
            $"gradient {report.Gradient / 1e9:F1} GFLOP, backward/forward {report.Ratio:F3}; emission {times[0]:F2} s, {times[1]:F2} s");
        Assert.IsEmpty(report.Unresolved);
        Assert.IsTrue(files[0].AsSpan().SequenceEqual(files[1]), "two builds must give byte-identical files");
    }

    /// <summary>A weight gradient of a Linear over [batch, seq, in] is Gemm(Flatten(x)ᵀ, Flatten(dy)): its M is batch·seq.</summary>
    [TestMethod]
    public void GemmOverFlattenedBatchAndSequenceIsCounted()
    {
        var f = new GraphFactory(17, elem: OrtAdapter.Onnx.Protobuf.TensorProto.Types.DataType.Float);
        var x = f.Input("x", OrtAdapter.Onnx.Protobuf.TensorProto.Types.DataType.Float, "batch_size", "sequence_length", 384);
        var dy = f.Input("dy", OrtAdapter.Onnx.Protobuf.TensorProto.Types.DataType.Float, "batch_size", "sequence_length", 24);
        var flatX = f.B.Op(OpTypes.Flatten, [x], Attr.Int("axis", 2));
        var flatDy = f.B.Op(OpTypes.Flatten, [dy], Attr.Int("axis", 2));
        f.Graph.Proto.Output.Add(new ValueInfoProto { Name = f.B.Gemm(flatX, flatDy, transA: true) });

        var report = MatMulFlops.Count(f.Model, BenchDims);
        Assert.IsEmpty(report.Unresolved);
        Assert.AreEqual(2L * 32 * 128 * 384 * 24, report.Forward);
    }

    /// <summary>Loss = Σ of every float output (cost checks need a scalar, not particular gradients).</summary>
    static string AddSumLoss(OnnxGraph g)
    {
        var b = new OpBuilder(g, "loss");
        var loss = g.Proto.Output.Where(o => o.Type.TensorType.ElemType == 1).Select(o => b.ReduceSum(o.Name, [], keepDims: false)).ToList().Aggregate(b.Add);
        g.Proto.Output.Add(new ValueInfoProto { Name = loss, Type = new TensorType(1, []).ToTypeProto() });
        return loss;
    }
}

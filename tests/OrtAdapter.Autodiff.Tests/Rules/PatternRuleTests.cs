using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using OrtAdapter.Testing.Checking;
using OrtAdapter.Onnx;
using OrtAdapter.Onnx.Protobuf;
using DataType = OrtAdapter.Onnx.Protobuf.TensorProto.Types.DataType;

namespace OrtAdapter.Autodiff.Tests;

/// <summary>
/// Subgraph rules (GELU, LayerNorm op by op, a MatMul of a swapped operand): each matches finite differences, agrees
/// with the node-by-node gradient of the same graph, and stands aside when an interior value is read outside the
/// subgraph (or, for the MatMul, when an operand broadcasts).
/// </summary>
[TestClass]
public sealed class PatternRuleTests
{
    public TestContext TestContext { get; set; } = null!;

    /// <summary>m = x (1 + erf(x/√2)) as BERT exports it, and reordered variants; the 0.5 is a Mul of its own.</summary>
    static (GraphFactory F, string Loss) Gelu(int opset, bool scaleByMul, bool swapMul, bool swapAdd, double sqrt2 = 1.4142135623730951)
    {
        var f = new GraphFactory(opset, elem: DataType.Float);
        var w = f.Param("w", [3, 8], -1, 1);
        var x = f.B.MatMul(f.Param("in", [4, 3], -2, 2), w);                        // x depends on w, so the gradient flows through a MatMul
        var h = scaleByMul ? f.B.Mul(x, f.B.Scalar(1 / sqrt2, (int)DataType.Float)) : f.B.Div(x, f.B.Scalar(sqrt2, (int)DataType.Float));
        var one = f.B.Scalar(1, (int)DataType.Float);
        var a = swapAdd ? f.B.Add(one, f.B.Erf(h)) : f.B.Add(f.B.Erf(h), one);
        var m = swapMul ? f.B.Mul(a, x) : f.B.Mul(x, a);
        var y = f.B.Mul(m, f.B.Scalar(0.5, (int)DataType.Float));
        return (f, f.WeightedSumLoss(y, [4, 8]));
    }

    /// <summary>ORT's CPU provider runs Erf in float only, so the check is in float.</summary>
    [TestMethod]
    [DataRow(13, false, false, false)]
    [DataRow(17, true, true, true)]
    [DataRow(14, false, true, false)]
    public void GeluMatchesFiniteDifferencesAndTheNodeByNodeGradient(int opset, bool scaleByMul, bool swapMul, bool swapAdd)
    {
        var (f, loss) = Gelu(opset, scaleByMul, swapMul, swapAdd);
        var report = GradientChecker.Check(f.Model, loss, ["w"], [], Tolerances.Float);
        Assert.IsTrue(report.Passed, report.Describe());
        Assert.HasCount(1, report.Fused);
        StringAssert.StartsWith(report.Fused[0], "Gelu at ");
        AssertSameAsNodeByNode(f.Model, loss, ["w"], 1e-5);
    }

    [TestMethod]
    public void GeluGradientReadsOnlyTheInputOfTheSubgraph()
    {
        // The backward recomputes x/√2 and 1 + erf(x/√2): a training step then keeps one [tokens, ffn] tensor per
        // layer for it instead of three, and the forward's chain has no reader outside itself (ONNX Runtime fuses it).
        var (f, loss) = Gelu(13, scaleByMul: false, swapMul: false, swapAdd: false);
        var forward = f.Graph.Nodes.ToList();
        var interior = forward.Where(n => n.OpType is OpTypes.Div or OpTypes.Erf || n.OpType == OpTypes.Add).SelectMany(n => n.Output).ToHashSet();
        var graph = new OnnxGraph(f.Model.Clone());
        GradientBuilder.Build(graph, loss, ["w"]);
        var backward = graph.Nodes.Skip(forward.Count).ToList();
        Assert.IsNotEmpty(backward);
        var read = backward.SelectMany(n => n.Input).Where(interior.Contains).ToList();
        Assert.IsEmpty(read, "the backward reads " + string.Join(", ", read));
    }

    [TestMethod]
    public void GeluWithAnotherScaleIsLeftToTheNodeRules()
    {
        var (f, loss) = Gelu(17, scaleByMul: false, swapMul: false, swapAdd: false, sqrt2: 2.0);
        var report = GradientChecker.Check(f.Model, loss, ["w"], [], Tolerances.Float);
        Assert.IsTrue(report.Passed, report.Describe());
        Assert.IsEmpty(report.Fused);
    }

    [TestMethod]
    public void GeluWhoseErfIsReadElsewhereIsLeftToTheNodeRules()
    {
        var (f, loss) = Gelu(17, scaleByMul: false, swapMul: false, swapAdd: false);
        // A second use of erf(h) outside the subgraph: its gradient must reach h, which the fused rule would skip.
        var erf = f.Graph.Nodes.Single(n => n.OpType == OpTypes.Erf).Output[0];
        var extra = f.B.ReduceSum(f.B.Mul(erf, erf), [], keepDims: false);
        var total = f.B.Add(loss, extra);
        f.Graph.Proto.Output.Add(new ValueInfoProto { Name = total, Type = new TensorType((int)DataType.Float, []).ToTypeProto() });
        var report = GradientChecker.Check(f.Model, total, ["w"], [], Tolerances.Float);
        Assert.IsTrue(report.Passed, report.Describe());
        Assert.IsEmpty(report.Fused);
    }

    /// <summary>y = x̂ γ + β as exported below opset 17 (Pow or Mul for the square), with x, γ and β all trainable.</summary>
    static (GraphFactory F, string Loss) LayerNorm(int opset, bool squareByMul, bool swapOperands, long[] axes)
    {
        var f = new GraphFactory(opset);
        long[] shape = [2, 3, 4, 5];
        var x = f.B.Mul(f.Param("x", shape, -2, 2), f.Param("s", [5], 0.5, 1.5));
        var mean = f.B.ReduceMean(x, axes);
        var d = f.B.Sub(x, mean);
        var square = squareByMul ? f.B.Mul(d, d) : f.B.Pow(d, f.B.Scalar(2, (int)DataType.Double));
        var eps = f.B.Scalar(1e-5, (int)DataType.Double);
        var sigma = f.B.Sqrt(swapOperands ? f.B.Add(eps, f.B.ReduceMean(square, axes)) : f.B.Add(f.B.ReduceMean(square, axes), eps));
        var xhat = f.B.Div(d, sigma);
        var gammaShape = axes.Length == 1 ? new long[] { 5 } : [4, 5];
        var (gamma, beta) = (f.Param("gamma", gammaShape, 0.5, 1.5), f.Param("beta", gammaShape));
        var y = swapOperands ? f.B.Add(beta, f.B.Mul(gamma, xhat)) : f.B.Add(f.B.Mul(xhat, gamma), beta);
        return (f, f.WeightedSumLoss(y, shape));
    }

    [TestMethod]
    [DataRow(14, false, false, new long[] { -1 })]
    [DataRow(13, true, true, new long[] { 3 })]
    [DataRow(18, false, true, new long[] { -2, -1 })]
    public void DecomposedLayerNormMatchesFiniteDifferencesAndTheNodeByNodeGradient(int opset, bool squareByMul, bool swapOperands, long[] axes)
    {
        var (f, loss) = LayerNorm(opset, squareByMul, swapOperands, axes);
        string[] trainable = ["x", "s", "gamma", "beta"];
        var report = GradientChecker.Check(f.Model, loss, trainable, [], Tolerances.Double);
        Assert.IsTrue(report.Passed, report.Describe());
        Assert.HasCount(1, report.Fused);
        StringAssert.StartsWith(report.Fused[0], "LayerNormalization (decomposed) at ");
        AssertSameAsNodeByNode(f.Model, loss, trainable, 1e-9);
    }

    [TestMethod]
    public void LayerNormOverALeadingAxisIsLeftToTheNodeRules()
    {
        // Normalizing over axis 1 of [2, 3, 4, 5] is not a LayerNorm over the trailing axes: the per-node rules handle it.
        var (f, loss) = LayerNorm(14, squareByMul: false, swapOperands: false, axes: [1]);
        var result = GradientBuilder.Build(new OnnxGraph(f.Model.Clone()), loss, ["x", "s"]);
        Assert.IsEmpty(result.Fused);
        Assert.HasCount(2, result.Gradients);
    }

    /// <summary>
    /// Attention's scores as <c>MatMulLayoutPass</c> writes them, Q·Transpose(k, swap), and the transposed operand on
    /// the left: the gradients of both operands come from the products with k itself, and the backward reads neither
    /// the transposed copy nor transposes a gradient back to k's layout.
    /// </summary>
    [TestMethod]
    [DataRow(1)]
    [DataRow(0)]
    public void AMatMulOfASwappedOperandIsDifferentiatedThroughTheUnswappedOne(int side)
    {
        var f = new GraphFactory(17);
        var q = f.Param("q", [2, 3, 4, 5]);
        var k = f.Param("k", [2, 3, 6, 5]);
        var kT = f.B.Transpose(k, 0, 1, 3, 2);
        var y = side == 1 ? f.B.MatMul(q, kT) : f.B.MatMul(kT, f.Param("v", [2, 3, 6, 4]));
        var loss = f.WeightedSumLoss(y, side == 1 ? [2, 3, 4, 6] : [2, 3, 5, 4]);
        string[] trainable = side == 1 ? ["q", "k"] : ["k", "v"];

        var report = GradientChecker.Check(f.Model, loss, trainable, [], Tolerances.Double);
        Assert.IsTrue(report.Passed, report.Describe());
        Assert.HasCount(1, report.Fused);
        StringAssert.StartsWith(report.Fused[0], "MatMulTransposed at ");
        AssertSameAsNodeByNode(f.Model, loss, trainable, 1e-12);
        var graph = new OnnxGraph(f.Model.Clone());
        GradientBuilder.Build(graph, loss, trainable);
        var backward = graph.Nodes.Where(n => n.Name.Contains("/grad/", StringComparison.Ordinal)).ToList();
        Assert.IsFalse(backward.Any(n => n.Input.Contains(kT)), "the backward reads k, not its transposed copy");
        Assert.IsFalse(backward.Any(n => n.OpType == OpTypes.Transpose && n.Input.Any(i => graph.Producer(i)?.OpType == OpTypes.MatMul)),
            "no gradient product is transposed afterwards");
    }

    [TestMethod]
    public void ASwappedOperandThatBroadcastsIsLeftToTheNodeRules()
    {
        var f = new GraphFactory(17);
        var kT = f.B.Transpose(f.Param("k", [1, 6, 5]), 0, 2, 1);
        var loss = f.WeightedSumLoss(f.B.MatMul(f.Param("q", [3, 4, 5]), kT), [3, 4, 6]);

        var report = GradientChecker.Check(f.Model, loss, ["q", "k"], [], Tolerances.Double);
        Assert.IsTrue(report.Passed, report.Describe());
        Assert.IsEmpty(report.Fused);
    }

    /// <summary>Gradients with the pattern rules equal those of the per-node rules alone (each checked in double elsewhere).</summary>
    void AssertSameAsNodeByNode(ModelProto model, string loss, string[] trainable, double tolerance)
    {
        var fused = GradientsOf(model, loss, trainable, GradientRegistry.Default);
        var perNode = GradientsOf(model, loss, trainable, GradientRegistry.PerNodeOnly);
        foreach (var t in trainable)
        {
            double scale = Math.Max(perNode[t].Max(Math.Abs), 1e-12);
            double worst = fused[t].Zip(perNode[t], (a, b) => Math.Abs(a - b)).Max() / scale;
            TestContext.WriteLine($"{t}: max |fused - per node| / max |per node| = {worst:E2}");
            Assert.IsLessThanOrEqualTo(tolerance, worst, t);
        }
    }

    /// <summary>The gradients of <paramref name="trainable"/> built with <paramref name="registry"/>, run by ORT on <paramref name="feeds"/>.</summary>
    internal static Dictionary<string, double[]> GradientsOf(ModelProto model, string loss, IReadOnlyList<string> trainable, GradientRegistry registry,
        IReadOnlyList<TensorFeed>? feeds = null)
    {
        var graph = new OnnxGraph(model.Clone());
        var result = GradientBuilder.Build(graph, loss, trainable, registry);
        using var session = new InferenceSession(ModelFile.ToBytes(graph.Model));
        feeds ??= [];
        var inputs = feeds.Select(f => f.ToOrtValue()).ToList();
        using var runOptions = new RunOptions();   // named: an inline one may be finalized during Run
        using var outputs = session.Run(runOptions, feeds.Select(f => f.Name).ToList(), inputs, trainable.Select(t => result.Gradients[t]).ToList());
        foreach (var v in inputs) v.Dispose();
        return trainable.Select((t, i) => (t, outputs[i])).ToDictionary(p => p.t, p =>
            p.Item2.GetTensorTypeAndShape().ElementDataType == TensorElementType.Float
                ? p.Item2.GetTensorDataAsSpan<float>().ToArray().Select(v => (double)v).ToArray()
                : p.Item2.GetTensorDataAsSpan<double>().ToArray());
    }
}

using System.Globalization;
using OrtAdapter.Testing.Checking;
using OrtAdapter.Onnx;
using OrtAdapter.Onnx.Protobuf;
using DataType = OrtAdapter.Onnx.Protobuf.TensorProto.Types.DataType;

namespace OrtAdapter.Autodiff.Tests;

[TestClass]
public sealed class MatMulRuleTests
{
    // Operand specs (see SpecOperands): "2,3,4" is trainable; named dims ("b,s,4") make a fed input with symbolic dims.

    [TestMethod]
    [DataRow(14, "2,3,4", "4,5")]          // Linear with a pre-transposed weight
    [DataRow(17, "b,s,4", "4,5")]          // ... with symbolic batch and sequence dims
    [DataRow(17, "3,4", "4,5")]
    [DataRow(14, "2,2,3,4", "2,2,4,3")]    // attention scores / context
    [DataRow(17, "b,2,s,4", "b,2,4,s")]    // ... symbolic
    [DataRow(17, "3,4", "2,4,5")]          // [S,H] x [B,H,O]: A summed over B's batch
    [DataRow(14, "2,1,3,4", "3,4,2")]      // both operands broadcast along a batch dim
    [DataRow(17, "b,1,3,4", "3,4,2")]      // ... with the sum over the broadcast dims found at run time
    [DataRow(17, "1,3,4", "b,4,2")]
    [DataRow(14, "4", "4,5")]              // 1-D operands are promoted
    [DataRow(17, "4", "2,4,5")]
    [DataRow(14, "2,3,4", "4")]
    [DataRow(17, "b,3,4", "4")]
    [DataRow(17, "4", "4")]
    public void MatMulGradientMatchesFiniteDifferences(int opset, string a, string b)
    {
        var f = new GraphFactory(opset);
        var ops = new SpecOperands(f);
        var y = f.B.MatMul(ops.Add("a", a), ops.Add("b", b));
        var loss = f.WeightedSumLoss(y, MatMulShape(SpecOperands.Shape(a), SpecOperands.Shape(b)));

        var report = GradientChecker.Check(f.Model, loss, ops.Trainable, ops.Feeds, Tolerances.Double);

        Assert.IsTrue(report.Passed, report.Describe());
    }

    /// <summary>Y = alpha·op(A)·op(B) + beta·C with M=3, K=4, N=5 and C broadcast from several shapes (null: no C).</summary>
    [TestMethod]
    [DataRow(14, false, false, 1f, 1f, "3,5")]
    [DataRow(17, true, false, 0.5f, 2f, "5")]
    [DataRow(14, false, true, 1.5f, 0.25f, "1,5")]
    [DataRow(17, true, true, -1f, 1f, "3,1")]
    [DataRow(17, false, false, 2f, 0.5f, "")]
    [DataRow(14, true, true, 0.75f, 1f, null)]
    public void GemmGradientMatchesFiniteDifferences(int opset, bool transA, bool transB, float alpha, float beta, string? c)
    {
        var f = new GraphFactory(opset);
        var ops = new SpecOperands(f);
        var a = ops.Add("a", transA ? "4,3" : "3,4");
        var b = ops.Add("b", transB ? "5,4" : "4,5");
        var y = f.B.Gemm(a, b, c is null ? null : ops.Add("c", c), transA, transB, alpha, beta);
        var loss = f.WeightedSumLoss(y, [3, 5]);

        var report = GradientChecker.Check(f.Model, loss, ops.Trainable, ops.Feeds, Tolerances.Double);

        Assert.IsTrue(report.Passed, report.Describe());
    }

    /// <summary>
    /// X·W1 (frozen) · A (trainable adapter) · W2 (frozen): the backward pass has exactly two products, dZ = dU·W2ᵀ
    /// and one Gemm for dA over the flattened batch; nothing for W1 or W2, and no batched product plus ReduceSum.
    /// </summary>
    [TestMethod]
    public void OnlyTheAdapterGradientProductsAreBuilt()
    {
        var f = new GraphFactory(17);
        var x = f.Input("x", DataType.Double, "batch", "seq", 4);
        f.Param("w1", [4, 6]);
        f.Param("adapter", [6, 2]);
        f.Param("w2", [2, 3]);
        var y = f.B.MatMul(x, "w1");
        var z = f.B.MatMul(y, "adapter");
        var u = f.B.MatMul(z, "w2");
        var loss = f.WeightedSumLoss(u, [2, 3, 3]);
        var feeds = new[] { TensorFeed.Of("x", f.RandomDoubles(24), 2, 3, 4) };

        var report = GradientChecker.Check(f.Model, loss, ["adapter"], feeds, Tolerances.Double);
        var (yNode, zNode, uNode) = (f.Graph.Producer(y)!.Name, f.Graph.Producer(z)!.Name, f.Graph.Producer(u)!.Name);
        GradientBuilder.Build(f.Graph, loss, ["adapter"]);
        var backward = f.Graph.Nodes.Where(n => n.Name.Contains("/grad/", StringComparison.Ordinal)).ToList();
        var products = backward.Where(n => n.OpType is OpTypes.MatMul or OpTypes.Gemm).ToList();
        bool Under(string node, NodeProto n) => n.Name.StartsWith(node + "/grad/", StringComparison.Ordinal);

        Assert.IsTrue(report.Passed, report.Describe());
        Assert.HasCount(2, products, string.Join(", ", products.Select(n => n.Name)));
        Assert.AreEqual(1, products.Count(n => n.OpType == OpTypes.MatMul && Under(uNode, n)), "dZ = dU·W2ᵀ");
        Assert.AreEqual(1, products.Count(n => n.OpType == OpTypes.Gemm && Under(zNode, n)), "dA in one Gemm");
        Assert.IsFalse(backward.Any(n => Under(yNode, n)), "nothing flows into the frozen X·W1");
        Assert.IsFalse(backward.Any(n => n.OpType == OpTypes.ReduceSum && Under(zNode, n)), "no batched product summed afterwards");
    }

    /// <summary>
    /// Attention's scores Q·Kᵀ with Q = Transpose(x, [0,2,1,3]) (the head split): dK = Qᵀ·dS reads Q as the head split
    /// of x again, behind shape-keeping Reshapes, so ONNX Runtime folds the swap into the product (FusedMatMul transA)
    /// instead of merging it with the head split into one strided copy, [0,2,3,1] of x; the backward holds x, not Q.
    /// </summary>
    [TestMethod]
    public void ASwapOfATransposedOperandFoldsIntoTheProduct()
    {
        var f = new GraphFactory(17, elem: DataType.Float);
        var x = f.Param("x", [2, 5, 3, 4]);
        var q = f.B.Transpose(x, 0, 2, 1, 3);
        var y = f.B.MatMul(q, f.Param("k", [2, 3, 4, 5]));
        var loss = f.WeightedSumLoss(y, [2, 3, 5, 5]);
        var report = GradientChecker.Check(f.Model, loss, ["x", "k"], [], Tolerances.Float);
        GradientBuilder.Build(f.Graph, loss, ["x", "k"]);

        var swap = f.Graph.Nodes.Single(n => n.OpType == OpTypes.Transpose && n.Name.Contains("/grad/", StringComparison.Ordinal)
            && Attr.GetInts(n, "perm")!.SequenceEqual([0L, 1, 3, 2]) && f.Graph.Producer(n.Input[0])?.OpType == OpTypes.Reshape);
        var again = f.Graph.Producer(f.Graph.Producer(swap.Input[0])!.Input[0])!;
        CollectionAssert.AreEqual(new long[] { 0, 2, 1, 3 }, Attr.GetInts(again, "perm"), "Reshape(Transpose(Reshape(x)))");
        Assert.AreEqual(x, f.Graph.Producer(again.Input[0])!.Input[0]);
        Assert.IsFalse(f.Graph.Nodes.Any(n => n.Name.Contains("/grad/", StringComparison.Ordinal) && n.Input.Contains(q)), "the backward does not read Q");
        var optimized = Path.Combine(Path.GetTempPath(), $"ortadapter-swap-{Environment.ProcessId}.onnx");
        try
        {
            // The tensors become fed inputs, as in a training graph: ONNX Runtime would fold a graph of constants away.
            foreach (var t in f.Graph.Proto.Initializer)
                f.Graph.Proto.Input.Add(new ValueInfoProto { Name = t.Name, Type = new TensorType(t.DataType, [.. t.Dims.Select(Dim.Of)]).ToTypeProto() });
            f.Graph.Proto.Initializer.Clear();
            var model = Path.ChangeExtension(optimized, ".in.onnx");
            ModelFile.Save(f.Model, model);
            using (var options = new Microsoft.ML.OnnxRuntime.SessionOptions { OptimizedModelFilePath = optimized })
            using (new Microsoft.ML.OnnxRuntime.InferenceSession(model, options)) { }
            var nodes = ModelFile.Load(optimized).Graph.Node;
            File.Delete(model);
            Assert.IsTrue(nodes.Any(n => n.OpType == "FusedMatMul" && Attr.GetInt(n, "transA", 0) == 1), "ONNX Runtime folds Qᵀ into dK's product");
            Assert.IsFalse(nodes.Any(n => n.OpType == OpTypes.Transpose && Attr.GetInts(n, "perm")!.SequenceEqual([0L, 2, 3, 1])), "no strided copy of x");
        }
        finally { File.Delete(optimized); }
        Assert.IsTrue(report.Passed, report.Describe());
    }

    /// <summary>
    /// Q·Kᵀ with Kᵀ = Transpose(k, [0,2,3,1]) as exported: dQ = dS·(Kᵀ)ᵀ, and the swap after the export's Transpose is
    /// one block move of k ([0,2,1,3]); a swap after a swap is k itself.
    /// </summary>
    [TestMethod]
    [DataRow(new long[] { 0, 2, 3, 1 }, new long[] { 2, 5, 3, 4 }, new long[] { 0, 2, 1, 3 })]
    [DataRow(new long[] { 0, 1, 3, 2 }, new long[] { 2, 3, 5, 4 }, null)]
    public void ASwapAfterATransposeThatMovesBlocksIsOneTransposeOfItsInput(long[] exported, long[] kShape, long[]? expected)
    {
        var f = new GraphFactory(17);
        var k = f.Param("k", kShape);
        var y = f.B.MatMul(f.Param("q", [2, 3, 5, 4]), f.B.Transpose(k, exported));
        var loss = f.WeightedSumLoss(y, [2, 3, 5, 5]);
        var report = GradientChecker.Check(f.Model, loss, ["q"], [], Tolerances.Double);
        GradientBuilder.Build(f.Graph, loss, ["q"], GradientRegistry.PerNodeOnly);

        var product = f.Graph.Nodes.Single(n => n.OpType == OpTypes.MatMul && n.Name.Contains("/grad/", StringComparison.Ordinal));
        if (expected is null) Assert.AreEqual(k, product.Input[1]);
        else
        {
            var moved = f.Graph.Producer(product.Input[1])!;
            CollectionAssert.AreEqual(expected, Attr.GetInts(moved, "perm"));
            Assert.AreEqual(k, moved.Input[0]);
        }
        Assert.IsTrue(report.Passed, report.Describe());
    }

    /// <summary>numpy matmul's output shape, 1-D operands promoted and the added axis dropped.</summary>
    static long[] MatMulShape(long[] a, long[] b)
    {
        if (a.Length == 1 && b.Length == 1) return [];
        if (a.Length == 1) return [.. b[..^2], b[^1]];
        if (b.Length == 1) return a[..^1];
        var batch = SpecOperands.Broadcast(a[..^2], b[..^2]);
        return [.. batch, a[^2], b[^1]];
    }
}

/// <summary>
/// Operands of a rule test from compact specs: "2,3,4" is a trainable parameter of that shape, "" a trainable
/// scalar. A spec with named dims ("b,s,4") is a fed input whose named dims are symbolic (sizes from
/// <see cref="Sizes"/> at run time), times a trainable parameter of its other dims: the gradient the check sees
/// then went through the rule with shapes known only at run time.
/// </summary>
sealed class SpecOperands(GraphFactory f)
{
    static readonly Dictionary<string, long> Sizes = new(StringComparer.Ordinal) { ["b"] = 2, ["s"] = 3, ["n"] = 2 };
    readonly List<TensorFeed> _feeds = [];
    readonly List<string> _trainable = [];

    public IReadOnlyList<TensorFeed> Feeds => _feeds;
    public IReadOnlyList<string> Trainable => _trainable;

    public string Add(string name, string spec, double lo = -1, double hi = 1)
    {
        var dims = Dims(spec);
        if (dims.All(IsNumber))
        {
            _trainable.Add(name);
            return f.Param(name, Shape(spec), lo, hi);
        }
        var shape = Shape(spec);
        _feeds.Add(new TensorFeed(name + "_in", f.RandomDoubles((int)TensorData.ElementCount(shape), lo, hi), shape));
        var input = f.Input(name + "_in", DataType.Double, [.. dims.Select(d => IsNumber(d) ? (object)Parse(d) : d)]);
        _trainable.Add(name);
        // Leading named dims are dropped (a static sum back), inner ones become 1 (a sum found at run time).
        var kept = dims.SkipWhile(d => !IsNumber(d));
        var scale = f.Param(name, [.. kept.Select(d => IsNumber(d) ? Parse(d) : 1)], lo, hi);
        return f.B.Mul(input, scale);
    }

    /// <summary>
    /// Declares a value's shape as an exporter's value_info would, for outputs whose shape ShapeInference does not
    /// derive (Flatten, Split, Slice below opset 13): the loss's Mul then unbroadcasts statically.
    /// </summary>
    public static string Declare(GraphFactory f, string value, long[] shape)
    {
        f.Graph.Proto.ValueInfo.Add(new ValueInfoProto { Name = value, Type = new TensorType((int)f.Elem, [.. shape.Select(Dim.Of)]).ToTypeProto() });
        f.Graph.Invalidate();
        return value;
    }

    /// <summary>The run-time shape of a spec.</summary>
    public static long[] Shape(string spec) => [.. Dims(spec).Select(d => IsNumber(d) ? Parse(d) : Sizes[d])];

    /// <summary>numpy broadcast of two shapes.</summary>
    public static long[] Broadcast(long[] a, long[] b)
    {
        var rank = Math.Max(a.Length, b.Length);
        return [.. Enumerable.Range(0, rank).Select(i => Math.Max(At(a, i - rank + a.Length), At(b, i - rank + b.Length)))];
        static long At(long[] s, int i) => i >= 0 ? s[i] : 1;
    }

    static string[] Dims(string spec) => spec.Length == 0 ? [] : spec.Split(',');
    static bool IsNumber(string dim) => dim.All(char.IsAsciiDigit);
    static long Parse(string dim) => long.Parse(dim, CultureInfo.InvariantCulture);
}

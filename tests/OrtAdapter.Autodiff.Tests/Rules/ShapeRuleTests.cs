using OrtAdapter.Testing.Checking;
using OrtAdapter.Onnx;

namespace OrtAdapter.Autodiff.Tests;

[TestClass]
public sealed class ShapeRuleTests
{
    // Operand specs are those of SpecOperands: "2,3,4" trainable, named dims ("b,3,4") fed with symbolic dims.

    [TestMethod]
    [DataRow(14, "2,3,4", new long[] { 6, 4 })]
    [DataRow(17, "2,3,4", new long[] { -1 })]
    [DataRow(17, "b,3,4", new long[] { 0, -1 })]
    [DataRow(14, "b,s,4", new long[] { -1, 2, 2 })]
    public void ReshapeGradientMatchesFiniteDifferences(int opset, string x, long[] target)
    {
        var f = new GraphFactory(opset);
        var ops = new SpecOperands(f);
        var y = f.B.Reshape(ops.Add("x", x), target);
        var loss = f.WeightedSumLoss(y, ReshapeShape(SpecOperands.Shape(x), target));

        Check(f, ops, loss);
    }

    [TestMethod]
    [DataRow(14, "2,3,4", new long[] { 1, 0, 2 })]
    [DataRow(17, "2,3,4", new long[] { 2, 0, 1 })]
    [DataRow(17, "2,3,4", null)]
    [DataRow(14, "b,3,4", new long[] { 0, 2, 1 })]
    public void TransposeGradientMatchesFiniteDifferences(int opset, string x, long[]? perm)
    {
        var f = new GraphFactory(opset);
        var ops = new SpecOperands(f);
        var input = ops.Add("x", x);
        var y = perm is null ? f.B.Op(OpTypes.Transpose, [input]) : f.B.Transpose(input, perm);
        var shape = SpecOperands.Shape(x);
        var loss = f.WeightedSumLoss(y, [.. (perm ?? [.. Enumerable.Range(0, shape.Length).Reverse().Select(i => (long)i)]).Select(p => shape[p])]);

        Check(f, ops, loss);
    }

    /// <summary>Axes are an attribute before opset 13 and an input from 13.</summary>
    [TestMethod]
    [DataRow(12, "2,3", new long[] { 0 })]
    [DataRow(17, "2,3", new long[] { -1 })]
    [DataRow(12, "2,3", new long[] { 1, 3 })]
    [DataRow(17, "b,3", new long[] { 1, -1 })]
    public void UnsqueezeGradientMatchesFiniteDifferences(int opset, string x, long[] axes)
    {
        var f = new GraphFactory(opset);
        var ops = new SpecOperands(f);
        var y = f.B.Unsqueeze(ops.Add("x", x), axes);
        var shape = SpecOperands.Shape(x).ToList();
        var rank = shape.Count + axes.Length;
        foreach (var a in axes.Select(a => a < 0 ? a + rank : a).Order()) shape.Insert((int)a, 1);
        var loss = f.WeightedSumLoss(y, [.. shape]);

        Check(f, ops, loss);
    }

    /// <summary>Null axes squeeze every dim of size 1.</summary>
    [TestMethod]
    [DataRow(12, "2,1,3,1", new long[] { 1 })]
    [DataRow(17, "2,1,3,1", new long[] { -1, 1 })]
    [DataRow(12, "2,1,3,1", null)]
    [DataRow(17, "2,1,3,1", null)]
    [DataRow(17, "b,1,3", new long[] { 1 })]
    public void SqueezeGradientMatchesFiniteDifferences(int opset, string x, long[]? axes)
    {
        var f = new GraphFactory(opset);
        var ops = new SpecOperands(f);
        var input = ops.Add("x", x);
        var y = axes is null ? f.B.Op(OpTypes.Squeeze, [input]) : f.B.Squeeze(input, axes);
        var shape = SpecOperands.Shape(x);
        var drop = (axes ?? [.. Enumerable.Range(0, shape.Length).Where(i => shape[i] == 1).Select(i => (long)i)])
            .Select(a => a < 0 ? a + shape.Length : a).ToHashSet();
        var loss = f.WeightedSumLoss(y, [.. shape.Where((_, i) => !drop.Contains(i))]);

        Check(f, ops, loss);
    }

    [TestMethod]
    [DataRow(14, "2,3,4", 0L)]
    [DataRow(17, "2,3,4", 1L)]
    [DataRow(14, "2,3,4", 3L)]
    [DataRow(17, "b,3,4", -1L)]
    public void FlattenGradientMatchesFiniteDifferences(int opset, string x, long axis)
    {
        var f = new GraphFactory(opset);
        var ops = new SpecOperands(f);
        var y = f.B.Op(OpTypes.Flatten, [ops.Add("x", x)], Attr.Int("axis", axis));
        var shape = SpecOperands.Shape(x);
        var split = (int)(axis < 0 ? axis + shape.Length : axis);
        long[] flat = [shape[..split].Aggregate(1L, (p, d) => p * d), shape[split..].Aggregate(1L, (p, d) => p * d)];
        var loss = f.WeightedSumLoss(SpecOperands.Declare(f, y, flat), flat);

        Check(f, ops, loss);
    }

    /// <summary>Sizes along the axis static (one Split), or known only at run time: Split with a sizes input from opset 13, Slices before.</summary>
    [TestMethod]
    [DataRow(12, new[] { "2,3", "4,3" }, 0L)]
    [DataRow(17, new[] { "2,3", "2,1", "2,2" }, -1L)]
    [DataRow(12, new[] { "n,3", "2,3", "n,3" }, 0L)]
    [DataRow(17, new[] { "n,3", "2,3", "n,3" }, -2L)]
    [DataRow(14, new[] { "b,2,3", "b,1,3" }, 1L)]
    public void ConcatGradientMatchesFiniteDifferences(int opset, string[] specs, long axis)
    {
        var f = new GraphFactory(opset);
        var ops = new SpecOperands(f);
        var y = f.B.Concat(axis, [.. specs.Select((s, i) => ops.Add($"x{i}", s))]);
        var shapes = specs.Select(SpecOperands.Shape).ToList();
        var a = (int)(axis < 0 ? axis + shapes[0].Length : axis);
        var shape = shapes[0].ToArray();
        shape[a] = shapes.Sum(s => s[a]);
        var loss = f.WeightedSumLoss(opset < 13 ? SpecOperands.Declare(f, y, shape) : y, shape);

        Check(f, ops, loss);
    }

    /// <summary>Outputs the loss does not read get zeros; null sizes split equally (num_outputs from opset 18).</summary>
    [TestMethod]
    [DataRow(12, 0L, new long[] { 1, 2, 1 }, new[] { 0, 2 })]
    [DataRow(17, -1L, new long[] { 2, 1, 3 }, new[] { 1 })]
    [DataRow(17, 1L, new long[] { 3, 3 }, new[] { 0, 1 })]
    [DataRow(13, 1L, null, new[] { 2 })]
    [DataRow(18, -1L, null, new[] { 0, 2 })]
    public void SplitGradientMatchesFiniteDifferences(int opset, long axis, long[]? sizes, int[] used)
    {
        var f = new GraphFactory(opset);
        var ops = new SpecOperands(f);
        var spec = axis == 0 ? "4,3" : "2,6";
        var x = ops.Add("x", spec);
        var parts = sizes ?? [2, 2, 2];
        var outputs = sizes is not null ? f.B.Split(x, axis, sizes)
            : [.. f.B.Node(OpTypes.Split, [x], 3, opset >= 18 ? [Attr.Int("axis", axis), Attr.Int("num_outputs", 3)] : [Attr.Int("axis", axis)]).Output];
        var losses = used.Select(i =>
        {
            var shape = SpecOperands.Shape(spec);
            shape[axis < 0 ? axis + shape.Length : axis] = parts[i];
            return f.WeightedSumLoss(SpecOperands.Declare(f, outputs[i], shape), shape);
        });
        var loss = f.B.Sum([.. losses]);

        Check(f, ops, loss);
    }

    /// <summary>
    /// Starts/ends negative or past the ends (INT64_MAX, -100), an empty slice, axes negative or absent, explicit
    /// steps of 1; at opset 14 the index inputs are int32 (INT64_MAX clamped to INT32_MAX).
    /// </summary>
    [TestMethod]
    [DataRow(14, "3,5", new long[] { 1 }, new long[] { 3 }, new long[] { 1 }, false)]
    [DataRow(17, "3,5", new long[] { -3 }, new long[] { long.MaxValue }, new long[] { -1 }, false)]
    [DataRow(11, "3,5", new long[] { 0, 1 }, new long[] { 1, -1 }, null, false)]
    [DataRow(17, "2,3,4", new long[] { 0 }, new long[] { 1 }, new long[] { 1 }, false)]   // CLS token, kept dims
    [DataRow(14, "3,5", new long[] { -100, 2 }, new long[] { 2, 100 }, new long[] { 0, 1 }, true)]
    [DataRow(17, "3,5", new long[] { 2 }, new long[] { 1 }, new long[] { 1 }, false)]   // empty slice
    [DataRow(17, "b,s,4", new long[] { 1, -3 }, new long[] { long.MaxValue, -1 }, new long[] { 1, 2 }, true)]
    public void SliceGradientMatchesFiniteDifferences(int opset, string x, long[] starts, long[] ends, long[]? axes, bool withSteps)
    {
        var f = new GraphFactory(opset);
        var ops = new SpecOperands(f);
        string Ints(long[] v) => opset != 14 ? f.B.Ints(v)
            : f.B.Constant(TensorData.FromInt32s("", [.. v.Select(i => (int)Math.Clamp(i, int.MinValue, int.MaxValue))], v.Length));
        var y = f.B.Slice(ops.Add("x", x), Ints(starts), Ints(ends), axes is null ? null : Ints(axes), withSteps ? Ints([.. starts.Select(_ => 1L)]) : null);
        var shape = SliceShape(SpecOperands.Shape(x), starts, ends, axes);
        var loss = f.WeightedSumLoss(opset < 13 ? SpecOperands.Declare(f, y, shape) : y, shape);

        Check(f, ops, loss);
    }

    /// <summary>position_ids-style slice: the end is read from another tensor's shape at run time.</summary>
    [TestMethod]
    [DataRow(14)]
    [DataRow(17)]
    public void SliceWithRunTimeEndsMatchesFiniteDifferences(int opset)
    {
        var f = new GraphFactory(opset);
        var ops = new SpecOperands(f);
        var x = ops.Add("x", "b,s,4");
        var end = f.B.Gather(f.B.Shape(x), f.B.Ints(1));
        var y = f.B.Slice(x, f.B.Ints(1), end, f.B.Ints(1));
        var loss = f.WeightedSumLoss(y, [2, 2, 4]);

        Check(f, ops, loss);
    }

    [TestMethod]
    public void SliceWithStepsOtherThanOneFailsNamingTheNode()
    {
        var f = new GraphFactory(17);
        var x = f.Param("x", [6]);
        var y = f.B.Slice(x, f.B.Ints(0), f.B.Ints(6), f.B.Ints(0), f.B.Ints(2));
        var loss = f.WeightedSumLoss(y, [3]);

        var e = Assert.ThrowsExactly<GradientException>(() => GradientBuilder.Build(f.Graph, loss, ["x"]));

        StringAssert.Contains(e.Message, f.Graph.Producer(y)!.Name);
        StringAssert.Contains(e.Message, "steps");
    }

    /// <summary>Expand broadcasts both ways (a target dim of 1 keeps the input's); a target from Shape() is known only at run time.</summary>
    [TestMethod]
    [DataRow(14, "3,1", "2,3,4")]
    [DataRow(17, "4", "2,1,4")]
    [DataRow(17, "1,4", "3,1")]
    [DataRow(14, "3,1", "b,3,4")]
    [DataRow(17, "1,4", "b,s,1")]
    public void ExpandGradientMatchesFiniteDifferences(int opset, string x, string target)
    {
        // A named target spec is only read for its run-time shape (a fed input; its scale parameter gets no gradient).
        var f = new GraphFactory(opset);
        var ops = new SpecOperands(f);
        var input = ops.Add("x", x);
        var targetShape = SpecOperands.Shape(target);
        var fedTarget = !target.All(ch => char.IsAsciiDigit(ch) || ch == ',');
        var like = new SpecOperands(f);
        var shape = fedTarget ? f.B.Shape(like.Add("like", target)) : f.B.Ints(targetShape);
        var y = f.B.Expand(input, shape);
        var loss = f.WeightedSumLoss(y, SpecOperands.Broadcast(SpecOperands.Shape(x), targetShape));
        var feeds = ops.Feeds.Concat(like.Feeds).ToList();

        var report = GradientChecker.Check(f.Model, loss, ops.Trainable, feeds, Tolerances.Double);

        Assert.IsTrue(report.Passed, report.Describe());
    }

    [TestMethod]
    [DataRow(14, "2,3", new long[] { 2, 1 })]
    [DataRow(17, "2,3", new long[] { 1, 3 })]
    [DataRow(17, "2,3", new long[] { 2, 2 })]
    [DataRow(14, "4", new long[] { 3 })]
    [DataRow(17, "b,3", new long[] { 2, 2 })]
    public void TileGradientMatchesFiniteDifferences(int opset, string x, long[] repeats)
    {
        var f = new GraphFactory(opset);
        var ops = new SpecOperands(f);
        var y = f.B.Tile(ops.Add("x", x), f.B.Ints(repeats));
        var loss = f.WeightedSumLoss(y, [.. SpecOperands.Shape(x).Select((d, i) => d * repeats[i])]);

        Check(f, ops, loss);
    }

    static void Check(GraphFactory f, SpecOperands ops, string loss)
    {
        var report = GradientChecker.Check(f.Model, loss, ops.Trainable, ops.Feeds, Tolerances.Double);
        Assert.IsTrue(report.Passed, report.Describe());
    }

    static long[] ReshapeShape(long[] input, long[] target)
    {
        var dims = target.Select((d, i) => d == 0 ? input[i] : d).ToArray();
        var known = dims.Where(d => d != -1).Aggregate(1L, (p, d) => p * d);
        return [.. dims.Select(d => d == -1 ? input.Aggregate(1L, (p, v) => p * v) / known : d)];
    }

    /// <summary>Slice's output shape for steps of 1: negative indices count from the end, then clamp to [0, dim].</summary>
    static long[] SliceShape(long[] input, long[] starts, long[] ends, long[]? axes)
    {
        var shape = input.ToArray();
        for (int k = 0; k < starts.Length; k++)
        {
            var axis = (int)(axes is null ? k : axes[k] < 0 ? axes[k] + input.Length : axes[k]);
            var d = input[axis];
            long Clamp(long v) => Math.Clamp(v < 0 ? Math.Max(v, -d) + d : v, 0, d);
            shape[axis] = Math.Max(0, Clamp(ends[k]) - Clamp(starts[k]));
        }
        return shape;
    }
}

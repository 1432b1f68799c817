using System.Globalization;
using OrtAdapter.Testing.Checking;
using OrtAdapter.Onnx;
using OrtAdapter.Onnx.Protobuf;
using DataType = OrtAdapter.Onnx.Protobuf.TensorProto.Types.DataType;

namespace OrtAdapter.Autodiff.Tests;

[TestClass]
public sealed class ArithmeticRuleTests
{
    // Operand specs (see Operands): "2,3,4" is a trainable tensor, "" a trainable scalar, "batch,3,4" a fed input
    // whose symbolic batch dim makes the sum back to the other operand's shape happen at run time.

    [TestMethod]
    [DataRow(13, "2,3,4", "4")]
    [DataRow(17, "4", "2,3,4")]
    [DataRow(14, "3,1", "1,4")]
    [DataRow(17, "2,3", "")]
    [DataRow(13, "", "2,3")]
    [DataRow(17, "2,1,4", "3,1")]
    [DataRow(13, "batch,3,4", "3,1")]
    [DataRow(17, "4", "batch,3,4")]
    public void AddGradientMatchesFiniteDifferences(int opset, string a, string b) => CheckBinary(OpTypes.Add, opset, a, b);

    [TestMethod]
    [DataRow(13, "2,3,4", "4")]
    [DataRow(17, "4", "2,3,4")]
    [DataRow(14, "3,1", "1,4")]
    [DataRow(17, "2,3", "")]
    [DataRow(13, "", "2,3")]
    [DataRow(13, "batch,3,4", "3,1")]
    [DataRow(17, "4", "batch,3,4")]
    public void SubGradientMatchesFiniteDifferences(int opset, string a, string b) => CheckBinary(OpTypes.Sub, opset, a, b);

    [TestMethod]
    [DataRow(13, "2,3,4", "4")]
    [DataRow(17, "4", "2,3,4")]
    [DataRow(14, "3,1", "1,4")]
    [DataRow(17, "2,3", "")]
    [DataRow(13, "", "2,3")]
    [DataRow(17, "2,1,4", "3,1")]
    [DataRow(13, "batch,3,4", "3,1")]
    [DataRow(17, "4", "batch,3,4")]
    public void MulGradientMatchesFiniteDifferences(int opset, string a, string b) => CheckBinary(OpTypes.Mul, opset, a, b);

    [TestMethod]
    [DataRow(13, "2,3,4", "4")]
    [DataRow(17, "4", "2,3,4")]
    [DataRow(14, "3,1", "1,4")]
    [DataRow(17, "2,3", "")]
    [DataRow(13, "", "2,3")]
    [DataRow(13, "batch,3,4", "3,1")]
    [DataRow(17, "4", "batch,3,4")]
    public void DivGradientMatchesFiniteDifferences(int opset, string a, string b) =>
        CheckBinary(OpTypes.Div, opset, a, b, lo: 0.5, hi: 2);   // denominators kept away from 0

    [TestMethod]
    [DataRow(13, "2,3,4")]
    [DataRow(17, "")]
    [DataRow(17, "5")]
    public void NegGradientMatchesFiniteDifferences(int opset, string x)
    {
        var f = new GraphFactory(opset);
        var ops = new Operands(f);
        var y = f.B.Neg(ops.Add("x", x));
        var loss = f.WeightedSumLoss(y, Operands.Shape(x));

        var report = GradientChecker.Check(f.Model, loss, ops.Trainable, ops.Feeds, Tolerances.Double);

        Assert.IsTrue(report.Passed, report.Describe());
    }

    [TestMethod]
    [DataRow(13, new[] { "2,3,4", "4", "3,1" })]
    [DataRow(17, new[] { "", "3", "2,1" })]
    [DataRow(17, new[] { "2,3" })]
    [DataRow(13, new[] { "batch,3", "3", "1" })]
    [DataRow(17, new[] { "4", "batch,3,1" })]
    public void SumGradientMatchesFiniteDifferences(int opset, string[] specs)
    {
        var f = new GraphFactory(opset);
        var ops = new Operands(f);
        var y = f.B.Op(OpTypes.Sum, specs.Select((s, i) => ops.Add($"x{i}", s)));
        var loss = f.WeightedSumLoss(y, Operands.Broadcast(specs));

        var report = GradientChecker.Check(f.Model, loss, ops.Trainable, ops.Feeds, Tolerances.Double);

        Assert.IsTrue(report.Passed, report.Describe());
    }

    /// <summary>Fan-in into one value: Sum(w, w, v) and w * w give w twice the incoming gradient.</summary>
    [TestMethod]
    [DataRow(OpTypes.Sum)]
    [DataRow(OpTypes.Mul)]
    [DataRow(OpTypes.Add)]
    public void RepeatedOperandGetsEveryContribution(string op)
    {
        var f = new GraphFactory(17);
        var w = f.Param("w", [2, 3]);
        var v = f.Param("v", [3]);
        var y = op == OpTypes.Sum ? f.B.Sum(w, w, v) : f.B.Op(op, [w, w]);
        var loss = f.WeightedSumLoss(y, [2, 3]);

        var report = GradientChecker.Check(f.Model, loss, op == OpTypes.Sum ? ["w", "v"] : ["w"], [], Tolerances.Double);

        Assert.IsTrue(report.Passed, report.Describe());
    }

    /// <summary>
    /// A frozen operand gets nothing built for it: no dead nodes, and no rank asked of it (here it has none:
    /// an exporter that declared only the result's shape).
    /// </summary>
    [TestMethod]
    [DataRow(OpTypes.Add, true)]
    [DataRow(OpTypes.Add, false)]
    [DataRow(OpTypes.Sub, true)]
    [DataRow(OpTypes.Sub, false)]
    [DataRow(OpTypes.Mul, true)]
    [DataRow(OpTypes.Div, false)]
    [DataRow(OpTypes.Sum, true)]
    public void FrozenOperandOfUnknownRankGetsNothingBuilt(string op, bool frozenFirst)
    {
        var f = new GraphFactory(17);
        f.Graph.Proto.Input.Add(new ValueInfoProto { Name = "x", Type = new TensorType((int)DataType.Double, null).ToTypeProto() });
        f.Graph.Invalidate();
        var w = f.Param("w", [2, 3, 4], lo: 0.5, hi: 2);
        var y = f.B.Op(op, frozenFirst ? ["x", w] : [w, "x"]);
        f.Graph.Proto.ValueInfo.Add(new ValueInfoProto { Name = y, Type = new TensorType((int)DataType.Double, [Dim.Of(2), Dim.Of(3), Dim.Of(4)]).ToTypeProto() });
        var loss = f.WeightedSumLoss(y, [2, 3, 4]);
        var feeds = new[] { TensorFeed.Of("x", f.RandomDoubles(4, 0.5, 2), 4) };

        var report = GradientChecker.Check(f.Model, loss, ["w"], feeds, Tolerances.Double);
        GradientBuilder.Build(f.Graph, loss, ["w"]);

        Assert.IsTrue(report.Passed, report.Describe());
        Assert.AreEqual(0, f.Graph.Cleanup().Nodes, "every node the rule built reaches a gradient");
    }

    static void CheckBinary(string op, int opset, string a, string b, double lo = -1, double hi = 1)
    {
        var f = new GraphFactory(opset);
        var ops = new Operands(f);
        var y = f.B.Op(op, [ops.Add("a", a, lo, hi), ops.Add("b", b, lo, hi)]);
        var loss = f.WeightedSumLoss(y, Operands.Broadcast(a, b));

        var report = GradientChecker.Check(f.Model, loss, ops.Trainable, ops.Feeds, Tolerances.Double);

        Assert.IsTrue(report.Passed, report.Describe());
    }
}

/// <summary>
/// Operands of a rule test from compact specs: "2,3,4" is a trainable parameter of that shape, "" a trainable
/// scalar; a spec naming "batch" (e.g. "batch,3,4") is a fed input with a symbolic batch dim, 2 at run time, that
/// gets no gradient and leaves the broadcast shape known only at run time.
/// </summary>
sealed class Operands(GraphFactory f)
{
    const long Batch = 2;
    readonly List<TensorFeed> _feeds = [];
    readonly List<string> _trainable = [];

    public IReadOnlyList<TensorFeed> Feeds => _feeds;
    public IReadOnlyList<string> Trainable => _trainable;

    /// <summary>Adds the operand <paramref name="name"/> with random values in [lo, hi); returns its value name.</summary>
    public string Add(string name, string spec, double lo = -1, double hi = 1)
    {
        var dims = Dims(spec);
        if (!dims.Contains("batch"))
        {
            _trainable.Add(name);
            return f.Param(name, Shape(spec), lo, hi);
        }
        var shape = Shape(spec);
        var values = f.RandomDoubles((int)TensorData.ElementCount(shape), lo, hi);
        _feeds.Add(f.Elem == DataType.Float
            ? new TensorFeed(name, values.Select(v => (float)v).ToArray(), shape)
            : new TensorFeed(name, values, shape));
        return f.Input(name, f.Elem, dims.Select(d => d == "batch" ? (object)d : Parse(d)).ToArray());
    }

    /// <summary>The run-time shape of a spec.</summary>
    public static long[] Shape(string spec) => Dims(spec).Select(d => d == "batch" ? Batch : Parse(d)).ToArray();

    /// <summary>The numpy broadcast of the run-time shapes of several specs.</summary>
    public static long[] Broadcast(params string[] specs)
    {
        var shapes = specs.Select(Shape).ToList();
        var rank = shapes.Max(s => s.Length);
        return Enumerable.Range(0, rank)
            .Select(i => shapes.Select(s => i - (rank - s.Length) is var j && j >= 0 ? s[j] : 1).Max())
            .ToArray();
    }

    static string[] Dims(string spec) => spec.Length == 0 ? [] : spec.Split(',');
    static long Parse(string dim) => long.Parse(dim, CultureInfo.InvariantCulture);
}

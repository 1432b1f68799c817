using Microsoft.ML.OnnxRuntime;
using OrtAdapter.Testing.Checking;
using OrtAdapter.Onnx;
using OrtAdapter.Onnx.Protobuf;
using DataType = OrtAdapter.Onnx.Protobuf.TensorProto.Types.DataType;

namespace OrtAdapter.Autodiff.Tests;

[TestClass]
public sealed class ElementwiseRuleTests
{
    // Operand specs are those of Operands: "2,3,4" trainable, "" a trainable scalar, "batch,..." fed with a symbolic dim.

    [TestMethod, DataRow(13), DataRow(17)]
    public void SqrtGradientMatchesFiniteDifferences(int opset) => CheckUnary(OpTypes.Sqrt, opset, 0.5, 2);

    [TestMethod, DataRow(13), DataRow(17)]
    public void ExpGradientMatchesFiniteDifferences(int opset) => CheckUnary(OpTypes.Exp, opset, -1, 1);

    [TestMethod, DataRow(13), DataRow(17)]
    public void LogGradientMatchesFiniteDifferences(int opset) => CheckUnary(OpTypes.Log, opset, 0.5, 2);

    [TestMethod, DataRow(13), DataRow(17)]
    public void AbsGradientMatchesFiniteDifferences(int opset) => CheckUnary(OpTypes.Abs, opset, -1, 1);

    [TestMethod, DataRow(13), DataRow(17)]
    public void ReciprocalGradientMatchesFiniteDifferences(int opset) => CheckUnary(OpTypes.Reciprocal, opset, 0.5, 2);

    [TestMethod, DataRow(13), DataRow(17)]
    public void ReluGradientMatchesFiniteDifferences(int opset) => CheckUnary(OpTypes.Relu, opset, -1, 1);

    [TestMethod, DataRow(13), DataRow(17)]
    public void SigmoidGradientMatchesFiniteDifferences(int opset) => CheckUnary(OpTypes.Sigmoid, opset, -2, 2);

    [TestMethod, DataRow(13), DataRow(17)]
    public void TanhGradientMatchesFiniteDifferences(int opset) => CheckUnary(OpTypes.Tanh, opset, -2, 2);

    [TestMethod, DataRow(13), DataRow(17)]
    public void IdentityGradientMatchesFiniteDifferences(int opset) => CheckUnary(OpTypes.Identity, opset, -1, 1);

    /// <summary>ORT's CPU provider runs Erf in float only.</summary>
    [TestMethod, DataRow(13), DataRow(17)]
    public void ErfGradientMatchesFiniteDifferences(int opset) => CheckUnary(OpTypes.Erf, opset, -1.5, 1.5, DataType.Float);

    /// <summary>ORT's CPU provider runs Softplus in float only.</summary>
    [TestMethod, DataRow(13), DataRow(17)]
    public void SoftplusGradientMatchesFiniteDifferences(int opset) => CheckUnary(OpTypes.Softplus, opset, -2, 2, DataType.Float);

    /// <summary>Base and exponent both trainable (base positive so ln(a) exists), broadcasting either way.</summary>
    [TestMethod]
    [DataRow(13, "2,3,4", "4")]
    [DataRow(17, "4", "2,3,4")]
    [DataRow(13, "3,1", "1,4")]
    [DataRow(17, "2,3", "")]
    [DataRow(17, "", "3")]
    [DataRow(13, "batch,3,4", "3,1")]
    [DataRow(17, "4", "batch,3,4")]
    public void PowGradientMatchesFiniteDifferences(int opset, string a, string b)
    {
        var f = new GraphFactory(opset);
        var ops = new Operands(f);
        var y = f.B.Pow(ops.Add("a", a, 0.5, 2), ops.Add("b", b, -1.5, 1.5));
        var loss = f.WeightedSumLoss(y, Operands.Broadcast(a, b));

        var report = GradientChecker.Check(f.Model, loss, ops.Trainable, ops.Feeds, Tolerances.Double);

        Assert.IsTrue(report.Passed, report.Describe());
    }

    /// <summary>
    /// A frozen scalar exponent, as initializer or Constant node, of the base's type or another (Pow-12+ allows it).
    /// Integer exponents see negative bases too; 0 leaves the base without gradient (checked as zero).
    /// </summary>
    [TestMethod]
    [DataRow(13, 2.0, DataType.Double, false)]
    [DataRow(17, 2.0, DataType.Float, true)]
    [DataRow(17, 3.0, DataType.Int64, false)]
    [DataRow(13, 1.0, DataType.Double, true)]
    [DataRow(17, 0.0, DataType.Double, false)]
    [DataRow(13, 0.5, DataType.Double, true)]
    [DataRow(17, -1.5, DataType.Float, false)]
    public void PowWithConstantExponentGradientMatchesFiniteDifferences(int opset, double p, DataType pType, bool constantNode)
    {
        var f = new GraphFactory(opset);
        var a = f.Param("a", [2, 3, 4], lo: p == Math.Floor(p) ? -1 : 0.5, hi: 2);
        var tensor = pType switch
        {
            DataType.Double => TensorData.Scalar("p", p),
            DataType.Float => TensorData.Scalar("p", (float)p),
            _ => TensorData.Scalar("p", (long)p),
        };
        string exponent;
        if (constantNode) exponent = f.B.Op(OpTypes.Constant, [], Attr.Tensor("value", tensor));
        else { f.Graph.AddInitializer(tensor); exponent = "p"; }
        var loss = f.WeightedSumLoss(f.B.Pow(a, exponent), [2, 3, 4]);

        var report = GradientChecker.Check(f.Model, loss, ["a"], [], Tolerances.Double);

        Assert.IsTrue(report.Passed, report.Describe());
    }

    /// <summary>
    /// A float base with a trainable double exponent: the exponent's gradient is computed in float and cast back.
    /// The loss is computed in float, hence the float tolerance.
    /// </summary>
    [TestMethod, DataRow(13), DataRow(17)]
    public void PowExponentOfAnotherTypeGetsItsOwnType(int opset)
    {
        var f = new GraphFactory(opset);
        var a = f.Input("a", DataType.Float, 3, 4);
        var b = f.Param("b", [4], -1.5, 1.5);
        var y = f.B.Cast(f.B.Pow(a, b), (int)DataType.Double);
        var loss = f.WeightedSumLoss(y, [3, 4]);
        var feeds = new[] { TensorFeed.Of("a", f.RandomDoubles(12, 0.5, 2).Select(v => (float)v).ToArray(), 3, 4) };

        var report = GradientChecker.Check(f.Model, loss, ["b"], feeds, Tolerances.Float);

        Assert.IsTrue(report.Passed, report.Describe());
    }

    /// <summary>
    /// Bounds: "" absent, "c" frozen constant, "p" trainable scalar, "a" attribute (Clip-6, float only in ORT).
    /// x spans [-1.5, 1.5] so both bounds clip; a bound above the other follows ORT's order, max(x, lo) then min(·, hi).
    /// </summary>
    [TestMethod]
    [DataRow(13, "c", "c")]
    [DataRow(17, "c", "")]
    [DataRow(17, "", "c")]
    [DataRow(13, "", "")]
    [DataRow(17, "p", "p")]
    [DataRow(13, "p", "")]
    [DataRow(13, "", "p")]
    [DataRow(17, "p", "c")]
    [DataRow(17, "p>", "p<")]
    [DataRow(10, "a", "a")]
    [DataRow(10, "a", "")]
    public void ClipGradientMatchesFiniteDifferences(int opset, string min, string max)
    {
        var elem = opset < 11 ? DataType.Float : DataType.Double;
        var f = new GraphFactory(opset, elem: elem);
        var x = f.Param("x", [2, 3, 4], -1.5, 1.5);
        string Bound(string kind, string name, double value) => kind switch
        {
            "c" => f.B.Scalar(value, (int)elem),
            "p" => f.Param(name, [], value - 0.1, value + 0.1),
            "p>" => f.Param(name, [], 0.5, 0.7),      // lo above hi
            "p<" => f.Param(name, [], -0.7, -0.5),
            _ => "",
        };
        var lo = Bound(min, "lo", -0.4);
        var hi = Bound(max, "hi", 0.5);
        var attrs = new List<AttributeProto>();
        if (min == "a") attrs.Add(Attr.Float("min", -0.4f));
        if (max == "a") attrs.Add(Attr.Float("max", 0.5f));
        var y = opset >= 11 ? f.B.Op(OpTypes.Clip, [x, lo, hi]) : f.B.Op(OpTypes.Clip, [x], [.. attrs]);
        var loss = f.WeightedSumLoss(y, [2, 3, 4]);
        var trainable = new List<string> { "x" };
        if (min.StartsWith('p')) trainable.Add("lo");
        if (max.StartsWith('p')) trainable.Add("hi");

        var report = GradientChecker.Check(f.Model, loss, trainable, [], elem == DataType.Float ? Tolerances.Float : Tolerances.Double);

        Assert.IsTrue(report.Passed, report.Describe());
    }

    /// <summary>The condition is a fed boolean of its own shape; X and Y broadcast against it and each other.</summary>
    [TestMethod]
    [DataRow(17, "2,3,4", "2,3,4", "4")]
    [DataRow(13, "3,1", "1,4", "")]
    [DataRow(17, "4", "2,3,4", "3,1")]
    [DataRow(13, "batch,3", "3", "batch,1")]
    [DataRow(17, "batch,1,4", "3,1", "1")]
    public void WhereGradientMatchesFiniteDifferences(int opset, string condition, string a, string b)
    {
        var f = new GraphFactory(opset);
        var ops = new Operands(f);
        var condShape = Operands.Shape(condition);
        var cond = f.Input("cond", DataType.Bool, condition.Split(',', StringSplitOptions.RemoveEmptyEntries)
            .Select(d => d == "batch" ? (object)d : long.Parse(d, System.Globalization.CultureInfo.InvariantCulture)).ToArray());
        var condValues = f.RandomDoubles((int)TensorData.ElementCount(condShape)).Select(v => v > 0).ToArray();
        var y = f.B.Where(cond, ops.Add("a", a), ops.Add("b", b));
        var loss = f.WeightedSumLoss(y, Operands.Broadcast(condition, a, b));
        TensorFeed[] feeds = [TensorFeed.Of("cond", condValues, condShape), .. ops.Feeds];

        var report = GradientChecker.Check(f.Model, loss, ops.Trainable, feeds, Tolerances.Double);

        Assert.IsTrue(report.Passed, report.Describe());
    }

    /// <summary>A leaky ReLU: the condition is computed from the trainable value but carries no gradient itself.</summary>
    [TestMethod, DataRow(13), DataRow(17)]
    public void WhereConditionCarriesNoGradient(int opset)
    {
        var f = new GraphFactory(opset);
        var w = f.Param("w", [3, 4]);
        var y = f.B.Where(f.B.Greater(w, f.B.Scalar(0, (int)DataType.Double)), w, f.B.Mul(w, f.B.Scalar(0.1, (int)DataType.Double)));
        var loss = f.WeightedSumLoss(y, [3, 4]);

        var report = GradientChecker.Check(f.Model, loss, ["w"], [], Tolerances.Double);

        Assert.IsTrue(report.Passed, report.Describe());
    }

    /// <summary>
    /// Double to float and back (computed in float, hence the float tolerance), a same-type Cast, float to double
    /// in a float graph, and a detour through int64 that carries no gradient.
    /// </summary>
    [TestMethod]
    [DataRow(13, "double-float-double")]
    [DataRow(17, "double-double")]
    [DataRow(17, "float-double-float")]
    [DataRow(13, "double-int64")]
    public void CastGradientMatchesFiniteDifferences(int opset, string chain)
    {
        var elem = chain.StartsWith("float", StringComparison.Ordinal) ? DataType.Float : DataType.Double;
        var f = new GraphFactory(opset, elem: elem);
        var x = f.Param("x", [2, 3], -1.5, 1.5);
        var y = chain switch
        {
            "double-float-double" => f.B.Cast(f.B.Tanh(f.B.Cast(x, (int)DataType.Float)), (int)DataType.Double),
            "double-double" => f.B.Cast(x, (int)DataType.Double),
            "float-double-float" => f.B.Cast(f.B.Tanh(f.B.Cast(x, (int)DataType.Double)), (int)DataType.Float),
            _ => f.B.Mul(x, f.B.Cast(f.B.Cast(x, (int)DataType.Int64), (int)DataType.Double)),
        };
        var loss = f.WeightedSumLoss(y, [2, 3]);
        var tolerance = chain == "double-double" || chain == "double-int64" ? Tolerances.Double : Tolerances.Float;

        var report = GradientChecker.Check(f.Model, loss, ["x"], [], tolerance);

        Assert.IsTrue(report.Passed, report.Describe());
    }

    [TestMethod]
    [DataRow(OpTypes.Max, 13, new[] { "2,3,4", "4" })]
    [DataRow(OpTypes.Max, 17, new[] { "3,1", "1,4" })]
    [DataRow(OpTypes.Max, 17, new[] { "3", "2,3", "" })]
    [DataRow(OpTypes.Max, 13, new[] { "2,3" })]
    [DataRow(OpTypes.Max, 17, new[] { "batch,3", "3" })]
    [DataRow(OpTypes.Min, 13, new[] { "2,3,4", "4" })]
    [DataRow(OpTypes.Min, 17, new[] { "3,1", "1,4" })]
    [DataRow(OpTypes.Min, 17, new[] { "3", "2,3", "" })]
    [DataRow(OpTypes.Min, 13, new[] { "2,3" })]
    [DataRow(OpTypes.Min, 17, new[] { "3", "batch,2,3" })]
    public void MaxMinGradientMatchesFiniteDifferences(string op, int opset, string[] specs)
    {
        var f = new GraphFactory(opset);
        var ops = new Operands(f);
        var y = f.B.Op(op, specs.Select((s, i) => ops.Add($"x{i}", s)));
        var loss = f.WeightedSumLoss(y, Operands.Broadcast(specs));

        var report = GradientChecker.Check(f.Model, loss, ops.Trainable, ops.Feeds, Tolerances.Double);

        Assert.IsTrue(report.Passed, report.Describe());
    }

    /// <summary>
    /// Ties go to the first input only: Max(w, w) = w must get the gradient once, not twice; Min(w, v, w) likewise.
    /// (Central differences agree: moving w moves both tied copies together.)
    /// </summary>
    [TestMethod]
    [DataRow(OpTypes.Max, 13)]
    [DataRow(OpTypes.Min, 17)]
    public void MaxMinTiesGoToTheFirstInput(string op, int opset)
    {
        var f = new GraphFactory(opset);
        var w = f.Param("w", [2, 3]);
        var v = f.Param("v", [3]);
        var y = op == OpTypes.Max ? f.B.Max(w, w) : f.B.Min(w, v, w);
        var loss = f.WeightedSumLoss(y, [2, 3]);

        var report = GradientChecker.Check(f.Model, loss, op == OpTypes.Max ? ["w"] : ["w", "v"], [], Tolerances.Double);

        Assert.IsTrue(report.Passed, report.Describe());
    }

    /// <summary>
    /// Dropout that drops nothing is the identity, and finite differences apply: opset 10 (no training mode),
    /// training_mode absent or false, ratio 0 in training mode, and training_mode fed false with a fed ratio
    /// (the run-time scale 1 / (1 - ratio * training_mode) must come out 1).
    /// </summary>
    [TestMethod]
    [DataRow(10, "attribute", "absent")]
    [DataRow(13, "0.3", "absent")]
    [DataRow(17, "absent", "false")]
    [DataRow(13, "0", "true")]
    [DataRow(17, "fed", "fed")]
    public void DropoutInInferenceModeIsIdentity(int opset, string ratio, string training)
    {
        var f = new GraphFactory(opset);
        var x = f.Param("x", [3, 4]);
        var feeds = new List<TensorFeed>();
        var y = Dropout(f, x, ratio, training, feeds, maskOutput: null, ratioValue: 0.3, trainingValue: false);
        var loss = f.WeightedSumLoss(f.B.Tanh(y), [3, 4]);

        var report = GradientChecker.Check(f.Model, loss, ["x"], feeds, Tolerances.Double);

        Assert.IsTrue(report.Passed, report.Describe());
    }

    /// <summary>
    /// In training mode the mask is random, so finite differences do not apply (every run draws a new mask).
    /// Instead one ORT run of the graph with its gradients returns both the mask the forward Dropout drew and
    /// x's gradient, and the test checks that the gradient is dL/dy * mask / (1 - ratio), where dL/dy is the
    /// loss weights. The node's mask output is used when named ("named"); when it is absent ("none") or empty
    /// ("empty") the rule names one, and the test reads it from the node. The mask must hold both values.
    /// </summary>
    [TestMethod]
    [DataRow(13, "0.3", "true", "none")]
    [DataRow(17, "0.3", "true", "named")]
    [DataRow(17, "fed", "fed", "empty")]
    [DataRow(13, "0.3", "fed", "none")]
    [DataRow(17, "fed", "true", "named")]
    public void DropoutInTrainingModeScalesTheForwardMask(int opset, string ratio, string training, string mask)
    {
        const double rate = 0.3;
        var f = new GraphFactory(opset);
        var x = f.Param("x", [4, 8]);
        var feeds = new List<TensorFeed>();
        var maskOutput = mask switch { "named" => "drop_mask", "empty" => "", _ => null };
        var y = Dropout(f, x, ratio, training, feeds, maskOutput, rate, trainingValue: true);
        var loss = f.WeightedSumLoss(y, [4, 8]);
        var weights = TensorData.ToDoubles(f.Graph.Initializer("loss_weights_" + y.Replace('/', '_'))!);

        var grads = GradientBuilder.Build(f.Graph, loss, ["x"]);
        var node = f.Graph.Nodes.Single(n => n.OpType == OpTypes.Dropout);
        var maskName = node.Output[1];
        if (mask == "named") Assert.AreEqual("drop_mask", maskName);
        Assert.AreEqual(0, GraphValidator.Check(f.Graph).Count);
        f.Graph.Proto.Output.Add(new ValueInfoProto { Name = maskName, Type = new TensorType((int)DataType.Bool, [Dim.Of(4), Dim.Of(8)]).ToTypeProto() });
        var (grad, drawn) = RunGradientAndMask(f.Model, feeds, grads.Gradients["x"], maskName);

        Assert.IsTrue(drawn.Contains(true) && drawn.Contains(false), "the mask keeps some values and drops others");
        for (int i = 0; i < grad.Length; i++)
        {
            var expected = drawn[i] ? weights[i] / (1 - rate) : 0;
            var error = Math.Abs(grad[i] - expected) / Math.Max(Math.Abs(expected), Tolerances.Double.Floor);
            Assert.IsLessThanOrEqualTo(Tolerances.Double.Tolerance, error, $"x_grad[{i}] = {grad[i]}, expected {expected}");
        }
    }

    /// <summary>
    /// A Dropout node: ratio "attribute" (before opset 12), a constant ("0.3"), "fed", or "absent"; training_mode
    /// "true"/"false" constants, "fed" or "absent"; the mask output named, empty ("") or absent (null).
    /// </summary>
    static string Dropout(GraphFactory f, string x, string ratio, string training, List<TensorFeed> feeds,
        string? maskOutput, double ratioValue, bool trainingValue)
    {
        var inputs = new List<string> { x };
        // A fixed seed makes the drawn mask the same on every run of the test (Dropout-12 brought the attribute).
        var attrs = new List<AttributeProto>();
        if (f.B.Opset >= 12) attrs.Add(Attr.Int("seed", 7));
        if (ratio == "attribute") attrs.Add(Attr.Float("ratio", (float)ratioValue));
        else if (ratio == "fed")
        {
            inputs.Add(f.Input("ratio", DataType.Double));
            feeds.Add(TensorFeed.Of("ratio", [ratioValue]));
        }
        else inputs.Add(ratio == "absent" ? "" : f.B.Scalar(double.Parse(ratio, System.Globalization.CultureInfo.InvariantCulture), (int)DataType.Double));
        if (training == "fed")
        {
            inputs.Add(f.Input("training", DataType.Bool));
            feeds.Add(TensorFeed.Of("training", [trainingValue]));
        }
        else if (training != "absent") inputs.Add(f.B.Constant(TensorData.Scalar("", training == "true")));
        while (inputs.Count > 1 && inputs[^1].Length == 0) inputs.RemoveAt(inputs.Count - 1);
        var node = f.B.Node(OpTypes.Dropout, inputs, 1, [.. attrs]);
        if (maskOutput is not null) node.Output.Add(maskOutput);
        f.Graph.Invalidate();
        return node.Output[0];
    }

    static (double[] Grad, bool[] Mask) RunGradientAndMask(ModelProto model, List<TensorFeed> feeds, string grad, string mask)
    {
        using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_DISABLE_ALL };
        using var session = new InferenceSession(ModelFile.ToBytes(model), options);
        var inputs = feeds.Select(t => t.ToOrtValue()).ToList();
        try
        {
            using var runOptions = new RunOptions();
            using var results = session.Run(runOptions, feeds.Select(t => t.Name).ToList(), inputs, [grad, mask]);
            return (results[0].GetTensorDataAsSpan<double>().ToArray(), results[1].GetTensorDataAsSpan<bool>().ToArray());
        }
        finally
        {
            foreach (var v in inputs) v.Dispose();
        }
    }

    /// <summary>y = op(x) for x of several shapes (scalar, vector, rank 3) with values in [lo, hi).</summary>
    static void CheckUnary(string op, int opset, double lo, double hi, DataType elem = DataType.Double)
    {
        long[][] shapes = [[], [5], [2, 3, 4]];
        foreach (var shape in shapes)
        {
            var f = new GraphFactory(opset, elem: elem);
            var x = f.Param("x", shape, lo, hi);
            var loss = f.WeightedSumLoss(f.B.Op(op, [x]), shape);

            var report = GradientChecker.Check(f.Model, loss, ["x"], [], elem == DataType.Float ? Tolerances.Float : Tolerances.Double);

            Assert.IsTrue(report.Passed, $"{op} on [{string.Join(",", shape)}]: {report.Describe()}");
        }
    }
}

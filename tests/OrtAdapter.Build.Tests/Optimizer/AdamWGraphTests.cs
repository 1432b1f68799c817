using OrtAdapter.Autodiff;
using OrtAdapter.Build.Optimizer;
using OrtAdapter.Onnx;
using OrtAdapter.Onnx.Protobuf;
using DataType = OrtAdapter.Onnx.Protobuf.TensorProto.Types.DataType;

namespace OrtAdapter.Build.Tests.Optimizer;

[TestClass]
public sealed class AdamWGraphTests
{
    // A matrix, a vector, a scalar and a 3-D tensor: every rank the norm and the update must handle.
    static readonly (string Name, long[] Shape)[] Shapes = [("encoder.w", [4, 5]), ("encoder.b", [5]), ("scale", []), ("head/w", [2, 3, 2])];

    static List<ParamState> RandomParams(Random rng) =>
        Shapes.Select(s => new ParamState(s.Name, s.Shape, Normal(rng, (int)TensorData.ElementCount(s.Shape)))).ToList();

    static float[] Normal(Random rng, int n, double scale = 1) =>
        Enumerable.Range(0, n).Select(_ => (float)(scale * Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble()))).ToArray();

    /// <summary>Three steps through ORT against the reference; returns the norms the graph reported.</summary>
    static List<float> RunAgainstReference(AdamWOptions options, double gradScale, int opset = 17)
    {
        var rng = new Random(7);
        var graphState = RandomParams(rng);
        var reference = graphState.Select(p => p.Clone()).ToList();
        using var session = new OptimizerSession(AdamWGraph.Build(Shapes, options, opset));
        var norms = new List<float>();
        const float lr = 0.05f; // large enough that the update is well above the parameters' rounding
        for (long step = 1; step <= 3; step++)
        {
            var grads = graphState.Select(p => Normal(rng, p.Value.Length, gradScale)).ToList();
            var before = graphState.Select(p => (float[])p.Value.Clone()).ToList();
            var outputs = session.Run(OptimizerSession.Feeds(graphState, grads), lr, step);
            var expectedNorm = ReferenceAdamW.Step(reference, grads, lr, step, options);
            AssertClose([expectedNorm], outputs[AdamWNames.GradNorm], $"grad_norm at step {step}");
            OptimizerSession.Apply(graphState, outputs);
            for (int k = 0; k < reference.Count; k++)
            {
                var (r, g) = (reference[k], graphState[k]);
                AssertClose(r.Value, g.Value, $"{r.Name} at step {step}");
                AssertClose(r.ExpAvg, g.ExpAvg, $"{r.Name}.exp_avg at step {step}");
                AssertClose(r.ExpAvgSq, g.ExpAvgSq, $"{r.Name}.exp_avg_sq at step {step}");
                // The textbook formula (double) agrees to float rounding of the update: catches a wrong formula
                // that a same-order reference would share.
                bool decays = options.WeightDecay != 0 && options.NoDecay?.Invoke(r.Name) != true;
                var textbook = ReferenceAdamW.TextbookParameter(before[k], g.ExpAvg, g.ExpAvgSq, lr, step, options, decays);
                for (int i = 0; i < textbook.Length; i++)
                    Assert.AreEqual(textbook[i], g.Value[i], Tolerances.Optimizer * Math.Max(Tolerances.OptimizerTextbookFloor, Math.Abs(textbook[i])), $"{r.Name}[{i}] vs textbook at step {step}");
            }
            norms.Add(outputs[AdamWNames.GradNorm][0]);
        }
        return norms;
    }

    static void AssertClose(float[] expected, float[] actual, string what)
    {
        Assert.HasCount(expected.Length, actual, what);
        for (int i = 0; i < expected.Length; i++)
        {
            var allowed = Tolerances.Optimizer * Math.Max(Math.Abs(expected[i]), Tolerances.OptimizerFloor);
            Assert.IsLessThanOrEqualTo(allowed, Math.Abs((double)expected[i] - actual[i]), $"{what}[{i}]: expected {expected[i]:R}, got {actual[i]:R}");
        }
    }

    [TestMethod]
    public void MatchesReference_ClippingActive()
    {
        var options = new AdamWOptions { MaxGradNorm = 1.0 };
        var norms = RunAgainstReference(options, gradScale: 1);
        Assert.IsTrue(norms.All(n => n > 1.5), "the gradients must be large enough for clipping to act");
    }

    [TestMethod]
    public void MatchesReference_ClippingInactive()
    {
        var norms = RunAgainstReference(new AdamWOptions { MaxGradNorm = 100 }, gradScale: 1);
        Assert.IsTrue(norms.All(n => n < 100), "the norm must stay under the threshold");
        RunAgainstReference(new AdamWOptions { MaxGradNorm = null }, gradScale: 1);
        RunAgainstReference(new AdamWOptions { MaxGradNorm = 0 }, gradScale: 1);
    }

    [TestMethod]
    public void MatchesReference_WeightDecayZeroAndDefault()
    {
        RunAgainstReference(new AdamWOptions { WeightDecay = 0 }, gradScale: 0.5);
        RunAgainstReference(new AdamWOptions { WeightDecay = 0.01 }, gradScale: 0.5);
    }

    [TestMethod]
    public void MatchesReference_NoDecayAndOtherBetasAndOpset14()
    {
        // Beta1 below 0.5 takes torch.lerp's other branch.
        var options = new AdamWOptions { WeightDecay = 0.1, NoDecay = n => n.EndsWith(".b", StringComparison.Ordinal) || n == "scale", Beta1 = 0.3, Beta2 = 0.95, Epsilon = 1e-6 };
        RunAgainstReference(options, gradScale: 0.3, opset: 14);
    }

    [TestMethod]
    public void MatchesReference_AtOpset11WithClipping()
    {
        // The oldest opset of real exports (arctic-embed-xs): every op AdamW emits means the same there.
        var norms = RunAgainstReference(new AdamWOptions { MaxGradNorm = 1.0 }, gradScale: 1, opset: 11);
        Assert.IsTrue(norms.All(n => n > 1.5), "the gradients must be large enough for clipping to act");
    }

    [TestMethod]
    public void Float32ScalarsMatchTheReferenceWithNoDoubleValue()
    {
        // For runtimes without double kernels (onnxruntime-web's WebGPU provider): float32 rounding of the scalars
        // stays within the optimizer tolerance, clipping on and off.
        var norms = RunAgainstReference(new AdamWOptions { Float32Scalars = true, MaxGradNorm = 1.0 }, gradScale: 1);
        Assert.IsTrue(norms.All(n => n > 1.5), "the gradients must be large enough for clipping to act");
        RunAgainstReference(new AdamWOptions { Float32Scalars = true, WeightDecay = 0.1, MaxGradNorm = null }, gradScale: 0.5, opset: 11);

        var graph = new OnnxGraph(AdamWGraph.Build(Shapes, new AdamWOptions { Float32Scalars = true, MaxGradNorm = 1.0 }));
        var types = ShapeInference.Infer(graph);
        var doubles = types.Where(t => t.Value.ElemType == (int)DataType.Double).Select(t => t.Key).ToList();
        Assert.IsEmpty(doubles, "double values: " + string.Join(", ", doubles));
        Assert.IsFalse(graph.Nodes.Any(n => n.OpType == OpTypes.Cast && n.Attribute.Any(a => a.Name == "to" && a.I == (int)DataType.Double)), "a Cast to double");
    }

    [TestMethod]
    public void WeightDecayActuallyShrinksParameters()
    {
        // With zero gradients and zero moments only the decoupled decay moves the parameters.
        var options = new AdamWOptions { WeightDecay = 0.5, NoDecay = n => n == "scale" };
        using var session = new OptimizerSession(AdamWGraph.Build(Shapes, options));
        var ps = RandomParams(new Random(3));
        var outputs = session.Run(OptimizerSession.Feeds(ps, ps.Select(p => new float[p.Value.Length]).ToList()), 0.1f, 1);
        Assert.AreEqual(0f, outputs[AdamWNames.GradNorm][0]);
        foreach (var p in ps)
        {
            var factor = p.Name == "scale" ? 1f : (float)(1 - 0.1f * 0.5);
            CollectionAssert.AreEqual(p.Value.Select(v => v * factor).ToArray(), outputs[AdamWNames.Updated(p.Name)], p.Name);
        }
    }

    [TestMethod]
    public void FusedEqualsStandalone()
    {
        var options = new AdamWOptions { MaxGradNorm = 0.5 };
        var training = TrainingGraph();
        var gradients = GradientBuilder.Build(training, "loss", ["w", "b"]).Gradients;
        var slots = AdamWGraph.AppendTo(training, [("w", gradients["w"]), ("b", gradients["b"])], options);
        Assert.AreEqual("w.updated", slots[0].UpdatedParameter);
        Assert.IsTrue(training.Nodes.All(n => n.Domain.Length == 0), "standard ops only");

        var rng = new Random(11);
        var fused = new List<ParamState> { new("w", [3, 4], Normal(rng, 12)), new("b", [4], Normal(rng, 4)) };
        var standalone = fused.Select(p => p.Clone()).ToList();
        using var fusedSession = new OptimizerSession(training.Model);
        using var optimizerSession = new OptimizerSession(AdamWGraph.Build([("w", [3, 4]), ("b", [4])], options));
        for (long step = 1; step <= 3; step++)
        {
            var x = Normal(rng, 6);
            var feeds = fused.SelectMany(p => new[] { (p.Name, p.Value), (p.Name + ".exp_avg", p.ExpAvg), (p.Name + ".exp_avg_sq", p.ExpAvgSq) })
                .ToDictionary(f => f.Item1, f => (f.Item2, f.Item1.StartsWith('w') ? new long[] { 3, 4 } : [4]));
            feeds["x"] = (x, [2, 3]);
            var fusedOut = fusedSession.Run(feeds, 0.01f, step);
            var grads = new List<float[]> { fusedOut["w_grad"], fusedOut["b_grad"] };
            var optOut = optimizerSession.Run(OptimizerSession.Feeds(standalone, grads), 0.01f, step);
            foreach (var name in optOut.Keys)
                CollectionAssert.AreEqual(optOut[name], fusedOut[name], $"{name} at step {step}: fused and standalone differ");
            OptimizerSession.Apply(fused, fusedOut);
            OptimizerSession.Apply(standalone, optOut);
        }
    }

    /// <summary>loss = sum((x·w + b)²) with w, b as graph inputs (the trainer binds them).</summary>
    static OnnxGraph TrainingGraph()
    {
        var model = new ModelProto { IrVersion = 8, Graph = new GraphProto { Name = "train" } };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 17 });
        var g = new OnnxGraph(model);
        foreach (var (name, shape) in new[] { ("x", new long[] { 2, 3 }), ("w", [3, 4]), ("b", [4]) })
            g.Proto.Input.Add(new ValueInfoProto { Name = name, Type = new TensorType((int)DataType.Float, shape.Select(Dim.Of).ToList()).ToTypeProto() });
        g.Invalidate();
        var op = new OpBuilder(g, "fwd");
        var z = op.Add(op.MatMul("x", "w"), "b");
        var loss = op.ReduceSum(op.Mul(z, z), [], keepDims: false);
        g.AddNode(new NodeProto { OpType = OpTypes.Identity, Name = "loss/identity", Input = { loss }, Output = { "loss" } });
        g.Proto.Output.Add(new ValueInfoProto { Name = "loss", Type = new TensorType((int)DataType.Float, []).ToTypeProto() });
        return g;
    }

    [TestMethod]
    public void AppendToReusesAnExistingStepInputAndRejectsTakenNames()
    {
        var g = TrainingGraph();
        g.Proto.Input.Add(new ValueInfoProto { Name = "step", Type = new TensorType((int)DataType.Int64, []).ToTypeProto() });
        g.Invalidate();
        var grads = GradientBuilder.Build(g, "loss", ["w", "b"]).Gradients;
        AdamWGraph.AppendTo(g, grads);
        Assert.AreEqual(1, g.Proto.Input.Count(i => i.Name == "step"));

        var again = Assert.ThrowsExactly<ArgumentException>(() => AdamWGraph.AppendTo(g, grads));
        StringAssert.Contains(again.Message, "b.exp_avg"); // the map overload goes in ordinal order: b before w
        var missing = Assert.ThrowsExactly<ArgumentException>(() => AdamWGraph.AppendTo(TrainingGraph(), [("w", "w_grad")]));
        StringAssert.Contains(missing.Message, "gradient 'w_grad' of parameter 'w'");
    }

    /// <summary>
    /// The update runs on one flat vector per weight-decay group: its arithmetic nodes do not grow with the number of
    /// tensors (a default MiniLM step has 50), only the Reshapes, Concats and Splits that flatten and restore them.
    /// Values stay those of the per-tensor reference (the MatchesReference tests).
    /// </summary>
    [TestMethod]
    public void TheUpdateIsElementWiseOverEachDecayGroupNotEachTensor()
    {
        static int Arithmetic(int tensors)
        {
            var shapes = Enumerable.Range(0, tensors).Select(i => ($"p{i}", i % 2 == 0 ? new long[] { 3, i + 1 } : [i + 2])).ToList();
            var model = AdamWGraph.Build(shapes, new AdamWOptions { NoDecay = name => int.Parse(name[1..], System.Globalization.CultureInfo.InvariantCulture) % 2 == 1 });
            // WebGPU binds every input and output of a node to one of a shader's 10 storage buffers.
            Assert.IsTrue(model.Graph.Node.All(n => n.OpType is not (OpTypes.Concat or OpTypes.Split) || n.Input.Count + n.Output.Count <= 10));
            return model.Graph.Node.Count(n => n.OpType is not (OpTypes.Reshape or OpTypes.Concat or OpTypes.Split));
        }

        Assert.AreEqual(Arithmetic(4), Arithmetic(40));
    }

    [TestMethod]
    public void BuildIsDeterministicAndStandard()
    {
        var a = ModelFile.ToBytes(AdamWGraph.Build(Shapes, new AdamWOptions()));
        var b = ModelFile.ToBytes(AdamWGraph.Build(Shapes, new AdamWOptions()));
        CollectionAssert.AreEqual(a, b);
        var model = ModelFile.Parse(a);
        Assert.IsTrue(model.Graph.Node.All(n => n.Domain.Length == 0));
        CollectionAssert.AreEqual(new[] { "learning_rate", "step", "encoder.w", "encoder.w_grad", "encoder.w.exp_avg", "encoder.w.exp_avg_sq" },
            model.Graph.Input.Take(6).Select(i => i.Name).ToArray());
        Assert.AreEqual("grad_norm", model.Graph.Output[0].Name);
    }

    [TestMethod]
    public void BadOptionsAndParametersNameTheFault()
    {
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => AdamWGraph.Build(Shapes, new AdamWOptions { Beta2 = 1 })).Message, "Beta2");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => AdamWGraph.Build(Shapes, new AdamWOptions { MaxGradNorm = -1 })).Message, "MaxGradNorm");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => AdamWGraph.Build(Shapes, null, opset: 10)).Message, "opset 10");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => AdamWGraph.Build([("a", [2]), ("a", [3])])).Message, "'a'");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => AdamWGraph.Build([("a", [2]), ("a_grad", [2])])).Message, "'a_grad'");
    }

    [TestMethod]
    public void DoubleParametersRun()
    {
        var model = AdamWGraph.Build([("p", [3])], new AdamWOptions(), elemType: (int)DataType.Double);
        using var options = new Microsoft.ML.OnnxRuntime.SessionOptions();
        using var session = new Microsoft.ML.OnnxRuntime.InferenceSession(ModelFile.ToBytes(model), options);
        double[] p = [1, -2, 3], g = [0.1, 0.2, -0.3];
        var inputs = new Dictionary<string, Microsoft.ML.OnnxRuntime.OrtValue>
        {
            ["learning_rate"] = Microsoft.ML.OnnxRuntime.OrtValue.CreateTensorValueFromMemory(new[] { 0.1f }, []),
            ["step"] = Microsoft.ML.OnnxRuntime.OrtValue.CreateTensorValueFromMemory(new[] { 1L }, []),
            ["p"] = Microsoft.ML.OnnxRuntime.OrtValue.CreateTensorValueFromMemory(p, [3]),
            ["p_grad"] = Microsoft.ML.OnnxRuntime.OrtValue.CreateTensorValueFromMemory(g, [3]),
            ["p.exp_avg"] = Microsoft.ML.OnnxRuntime.OrtValue.CreateTensorValueFromMemory(new double[3], [3]),
            ["p.exp_avg_sq"] = Microsoft.ML.OnnxRuntime.OrtValue.CreateTensorValueFromMemory(new double[3], [3]),
        };
        using var run = new Microsoft.ML.OnnxRuntime.RunOptions();
        using var outputs = session.Run(run, inputs.Keys.ToList(), inputs.Values.ToList(), ["p.updated"]);
        var updated = outputs[0].GetTensorDataAsSpan<double>().ToArray();
        foreach (var v in inputs.Values) v.Dispose();
        // Step 1 with no clipping (norm 0.37 < 1): m̂ = g, v̂ = g², so p' = p(1 - lr·wd) - lr·sign(g)·|g|/(|g|+eps).
        for (int i = 0; i < 3; i++)
        {
            double lr = 0.1f, expected = p[i] * (1 - lr * 0.01) - lr * g[i] / (Math.Abs(g[i]) + 1e-8);
            Assert.AreEqual(expected, updated[i], Tolerances.OptimizerDouble * Math.Abs(expected), $"p[{i}]");
        }
    }
}

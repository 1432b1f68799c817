using OrtAdapter.Build.Heads;
using OrtAdapter.Build.Tests.Losses;
using OrtAdapter.Inference;
using OrtAdapter.Onnx;
using OrtAdapter.Onnx.Protobuf;
using OrtAdapter.Testing.Checking;
using DataType = OrtAdapter.Onnx.Protobuf.TensorProto.Types.DataType;

namespace OrtAdapter.Build.Tests.Heads;

[TestClass]
public sealed class TaskHeadPassTests
{
    const int Batch = 3, Seq = 4, Hidden = 5;

    [TestMethod]
    [DataRow(PoolingKind.Mean, TaskKind.SingleLabel, 3)]
    [DataRow(PoolingKind.Cls, TaskKind.MultiLabel, 4)]
    [DataRow(PoolingKind.Mean, TaskKind.Regression, 1)]
    public void PoolsAndProjects(PoolingKind pooling, TaskKind task, int outputs)
    {
        var g = new HeadGraph(Batch, Seq, Hidden);
        var result = TaskHeadPass.Apply(g.Graph, new TaskHeadOptions { Pooling = pooling, Task = task, Outputs = outputs, Seed = 3 });
        CollectionAssert.AreEqual(new[] { HeadNames.Weight, HeadNames.Bias }, result.Trainable.ToArray());
        Assert.AreEqual(Hidden, result.HiddenSize);
        Assert.IsNull(result.DropoutMask);
        CollectionAssert.AreEqual(new[] { HeadNames.Logits, HeadNames.Pooled }, g.Graph.Proto.Output.Select(o => o.Name).ToArray());

        var w = TensorData.ToDoubles(g.Graph.Initializer(HeadNames.Weight)!);
        var b = TensorData.ToDoubles(g.Graph.Initializer(HeadNames.Bias)!);
        CollectionAssert.AreEqual(new long[] { Hidden, outputs }, g.Graph.Initializer(HeadNames.Weight)!.Dims.ToArray());
        Assert.IsTrue(b.All(v => v == 0), "the bias starts at zero");
        Assert.IsTrue(w.All(v => Math.Abs(v) <= 1 / Math.Sqrt(Hidden)) && w.Distinct().Count() == w.Length, "uniform ±1/sqrt(H), random");

        var run = OrtRunner.Run(g.Graph.Model, g.Feeds(), HeadNames.Pooled, HeadNames.Logits);
        var pooled = g.ReferencePooled(pooling);
        AssertClose(pooled, run[HeadNames.Pooled], "pooled");
        AssertClose(HeadGraph.Linear(pooled, w, b, Batch, Hidden), run[HeadNames.Logits], "logits");

        var loss = WeightedSum(g.Graph, HeadNames.Logits, Batch * outputs, outputs);
        var report = GradientChecker.Check(g.Graph.Model, loss, ["enc.w", HeadNames.Weight, HeadNames.Bias], g.Feeds(), Tolerances.Double);
        Assert.IsTrue(report.Passed, report.Describe());
    }

    [TestMethod]
    public void HeadDropoutReadsAFedMask()
    {
        var g = new HeadGraph(Batch, Seq, Hidden);
        var result = TaskHeadPass.Apply(g.Graph, new TaskHeadOptions { Outputs = 2, Dropout = 0.25 });
        Assert.AreEqual(HeadNames.DropoutMask, result.DropoutMask);
        // The mask is one byte an element, as the encoder's: 0 where dropped, 1 where kept; the graph scales by 1/(1-p).
        Assert.AreEqual("uint8[batch, 5]", ShapeInference.Infer(g.Graph)[HeadNames.DropoutMask].ToString());

        var keep = Enumerable.Range(0, Batch * Hidden).Select(i => i % 3 != 1).ToArray();
        var feeds = g.Feeds();
        feeds.Add(TensorFeed.Of(HeadNames.DropoutMask, keep.Select(k => k ? (byte)1 : (byte)0).ToArray(), Batch, Hidden));
        var run = OrtRunner.Run(g.Graph.Model, feeds, HeadNames.Pooled, HeadNames.Logits);
        var pooled = g.ReferencePooled(PoolingKind.Mean);
        AssertClose(pooled, run[HeadNames.Pooled], "pooled is taken before dropout");
        var dropped = pooled.Select((v, i) => keep[i] ? v / 0.75 : 0).ToArray();
        var w = TensorData.ToDoubles(g.Graph.Initializer(HeadNames.Weight)!);
        AssertClose(HeadGraph.Linear(dropped, w, new double[2], Batch, Hidden), run[HeadNames.Logits], "logits");

        var loss = WeightedSum(g.Graph, HeadNames.Logits, Batch * 2, 2);
        var report = GradientChecker.Check(g.Graph.Model, loss, ["enc.w", HeadNames.Weight, HeadNames.Bias], feeds, Tolerances.Double);
        Assert.IsTrue(report.Passed, report.Describe());
    }

    [TestMethod]
    public void KeepsEncoderOutputsWhenAsked()
    {
        var g = new HeadGraph(Batch, Seq, Hidden);
        TaskHeadPass.Apply(g.Graph, new TaskHeadOptions { KeepEncoderOutputs = true });
        CollectionAssert.AreEqual(new[] { HeadNames.HiddenState, HeadNames.Logits, HeadNames.Pooled }, g.Graph.Proto.Output.Select(o => o.Name).ToArray());
    }

    [TestMethod]
    public void SameOptionsGiveByteIdenticalGraphsAndSeedsDiffer()
    {
        static byte[] Build(int seed)
        {
            var g = new HeadGraph(Batch, Seq, Hidden);
            TaskHeadPass.Apply(g.Graph, new TaskHeadOptions { Seed = seed, Dropout = 0.1 });
            return ModelFile.ToBytes(g.Graph.Model);
        }
        CollectionAssert.AreEqual(Build(1), Build(1));
        CollectionAssert.AreNotEqual(Build(1), Build(2));
    }

    [TestMethod]
    public void RefusesBadOptionsAndGraphs()
    {
        static string Fails(Action apply) => Assert.Throws<Exception>(apply).Message;
        var g = new HeadGraph(Batch, Seq, Hidden);
        Assert.Contains("at least one output", Fails(() => TaskHeadPass.Apply(g.Graph, new TaskHeadOptions { Outputs = 0 })));
        Assert.Contains("dropout must be in [0, 1)", Fails(() => TaskHeadPass.Apply(g.Graph, new TaskHeadOptions { Dropout = 1 })));
        Assert.Contains("no value 'hidden'", Fails(() => TaskHeadPass.Apply(g.Graph, new TaskHeadOptions { HiddenState = "hidden" })));
        Assert.Contains("needs the attention mask", Fails(() => TaskHeadPass.Apply(g.Graph, new TaskHeadOptions { AttentionMask = "mask" })));
        Assert.Contains("must be a float tensor [batch, seq, H]", Fails(() => TaskHeadPass.Apply(g.Graph, new TaskHeadOptions { HiddenState = "enc.w" })));
        TaskHeadPass.Apply(g.Graph);
        Assert.Contains("a head was added before", Fails(() => TaskHeadPass.Apply(g.Graph)));
    }

    /// <summary>sum(value * fixed random weights): every logit gets its own gradient.</summary>
    static string WeightedSum(OnnxGraph graph, string value, int count, int width)
    {
        var rng = new Random(5);
        var weights = Enumerable.Range(0, count).Select(_ => 2 * rng.NextDouble() - 1).ToArray();
        graph.AddInitializer(TensorData.FromDoubles("test.weights", weights, count / width, width));
        var b = new OpBuilder(graph, "test");
        var loss = b.ReduceSum(b.Mul(value, "test.weights"), [], keepDims: false);
        graph.Proto.Output.Add(new ValueInfoProto { Name = loss, Type = new TensorType((int)DataType.Double, []).ToTypeProto() });
        return loss;
    }

    static void AssertClose(double[] expected, double[] actual, string what)
    {
        Assert.HasCount(expected.Length, actual, what);
        for (int i = 0; i < expected.Length; i++)
            Assert.IsTrue(Math.Abs(expected[i] - actual[i]) <= Tolerances.Parity * Math.Max(1, Math.Abs(expected[i])),
                $"{what}[{i}]: expected {expected[i]:G12}, got {actual[i]:G12}.");
    }
}

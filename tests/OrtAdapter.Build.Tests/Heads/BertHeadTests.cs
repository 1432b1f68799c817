using OrtAdapter.Testing.Checking;
using OrtAdapter.Build.Heads;
using OrtAdapter.Build.Losses;
using OrtAdapter.Build.Tests.Losses;
using OrtAdapter.Onnx;

namespace OrtAdapter.Build.Tests.Heads;

/// <summary>The head and the default loss on the repository's BERT (float), against the base model's own outputs.</summary>
[TestClass]
public sealed class BertHeadTests
{
    const int Batch = 2, Seq = 8, Hidden = 256;
    static readonly long[] Ids = [101, 2023, 2003, 1037, 102, 0, 0, 0, 101, 7592, 2088, 102, 2000, 3000, 4000, 102];
    static readonly long[] Mask = [1, 1, 1, 1, 1, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1];

    static List<TensorFeed> Feeds(OnnxGraph g)
    {
        var feeds = new List<TensorFeed>
        {
            TensorFeed.Of("input_ids", Ids.Select(i => i % 8010).ToArray(), Batch, Seq),
            TensorFeed.Of(HeadNames.AttentionMask, Mask, Batch, Seq),
        };
        if (g.IsGraphInput("token_type_ids")) feeds.Add(TensorFeed.Of("token_type_ids", new long[Batch * Seq], Batch, Seq));
        return feeds;
    }

    [TestMethod]
    [DataRow("model_opset17.onnx")]
    [DataRow("model_opset14.onnx")]
    public void MeanPooledHeadAndDefaultLoss(string file)
    {
        var path = RepoPaths.Graphs("bert-mini-uncased", file);
        var graph = OnnxGraph.Load(path);
        var hidden = OrtRunner.Run(graph.Model, Feeds(graph), HeadNames.HiddenState)[HeadNames.HiddenState];

        var head = TaskHeadPass.Apply(graph, new TaskHeadOptions { Outputs = 2 });
        Assert.AreEqual(Hidden, head.HiddenSize);
        Assert.IsFalse(graph.Nodes.Any(n => n.OpType == OpTypes.Tanh), "the unused pooler (dense + tanh) is cleaned up");
        var composed = LossComposer.Apply(graph);

        var feeds = Feeds(graph);
        feeds.Add(LossGraph.Labels([1, 0]));
        feeds.Add(TensorFeed.Of("loss_weight_1", new[] { 0.9f }));
        feeds.Add(TensorFeed.Of("loss_weight_2", new[] { 0.1f }));
        var run = OrtRunner.Run(graph.Model, feeds, HeadNames.Pooled, composed.Loss, LossNames.Term(1), LossNames.Term(2));

        for (int b = 0; b < Batch; b++)
        {
            var tokens = Enumerable.Range(0, Seq).Where(s => Mask[b * Seq + s] == 1).ToList();
            for (int j = 0; j < Hidden; j++)
            {
                var expected = tokens.Average(s => hidden[(b * Seq + s) * Hidden + j]);
                var actual = run[HeadNames.Pooled][b * Hidden + j];
                Assert.IsTrue(Math.Abs(expected - actual) <= Tolerances.Parity * Math.Max(1, Math.Abs(expected)), $"pooled[{b},{j}]: {expected} vs {actual}");
            }
        }
        // Two samples of different labels: no anchor has a positive, so SupCon is 0 and the loss is 0.9 · CE.
        Assert.AreEqual(0.0, run[LossNames.Term(2)][0]);
        Assert.IsTrue(run[LossNames.Term(1)][0] is > 0.1 and < 5, $"cross-entropy at initialisation: {run[LossNames.Term(1)][0]}");
        LossTermTests.AssertClose(0.9 * run[LossNames.Term(1)][0], run[composed.Loss][0], "loss");

        var report = GradientChecker.Check(graph.Model, composed.Loss, head.Trainable, feeds, Tolerances.Float);
        Assert.IsTrue(report.Passed, report.Describe());
    }
}

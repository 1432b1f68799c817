using OrtAdapter.Build.Heads;
using OrtAdapter.Build.Losses;
using OrtAdapter.Inference;
using OrtAdapter.Onnx;
using OrtAdapter.Testing.Checking;
using DataType = OrtAdapter.Onnx.Protobuf.TensorProto.Types.DataType;

namespace OrtAdapter.Build.Tests.Losses;

[TestClass]
public sealed class LossComposerTests
{
    const int Batch = 6, Classes = 3, Hidden = 5;
    static readonly long[] Labels = [0, 2, 1, 0, 2, 1];

    [TestMethod]
    [DataRow(0.9, 0.1)]
    [DataRow(0.35, 1.7)]
    [DataRow(0.0, 1.0)]
    public void WeightsAreFedAtRunTime(double w1, double w2)
    {
        var g = new LossGraph(Batch, Classes, Hidden);
        var composed = g.Compose(TaskKind.SingleLabel, [.. LossSpec.Default]);
        CollectionAssert.AreEqual(new[] { "loss_weight_1", "loss_weight_2" }, composed.WeightInputs.ToArray());
        CollectionAssert.AreEqual(new[] { 0.9, 0.1 }, composed.DefaultWeights.ToArray());
        Assert.AreEqual("0.9*ce+0.1*supcon", composed.Recipe);

        TensorFeed[] feeds = [LossGraph.Labels(Labels), LossGraph.Weight(1, w1), LossGraph.Weight(2, w2)];
        var outputs = OrtRunner.Run(g.Model, feeds, LossNames.Loss, LossNames.Term(1), LossNames.Term(2), HeadNames.Logits);
        var ce = LossReference.CrossEntropy(g.Logits, Labels, Classes);
        var supCon = LossReference.SupCon(g.Pooled, Labels, Hidden, 0.1);
        LossTermTests.AssertClose(ce, outputs[LossNames.Term(1)][0], "loss_term_1");
        LossTermTests.AssertClose(supCon, outputs[LossNames.Term(2)][0], "loss_term_2");
        LossTermTests.AssertClose(w1 * ce + w2 * supCon, outputs[LossNames.Loss][0], "loss");
        CollectionAssert.AreEqual(g.Logits, outputs[HeadNames.Logits]);

        var report = GradientChecker.Check(g.Model, LossNames.Loss, [HeadNames.Logits, HeadNames.Pooled], feeds, Tolerances.Double);
        Assert.IsTrue(report.Passed, report.Describe());
    }

    [TestMethod]
    public void DeclaresTypedInputsAndOutputs()
    {
        var g = new LossGraph(Batch, Classes, Hidden);
        var composed = g.Compose(TaskKind.SingleLabel, [.. LossSpec.Default]);
        var types = ShapeInference.Infer(g.Graph);
        Assert.AreEqual(LossNames.Labels, composed.Labels);
        Assert.AreEqual("int64[6]", types[LossNames.Labels].ToString());
        Assert.AreEqual("double[]", types["loss_weight_1"].ToString());
        CollectionAssert.AreEqual(new[] { "labels", "loss_weight_1", "loss_weight_2" }, composed.FedInputs.ToArray());
        CollectionAssert.AreEquivalent(new[] { "logits", "loss", "loss_term_1", "loss_term_2" }, g.Graph.Proto.Output.Select(o => o.Name).ToArray());

        var multi = new LossGraph(Batch, Classes, Hidden);
        multi.Compose(TaskKind.MultiLabel, new WeightedLoss(new BceWithLogitsLoss(), 1));
        Assert.AreEqual("double[6, 3]", ShapeInference.Infer(multi.Graph)[LossNames.Labels].ToString());
    }

    [TestMethod]
    public void TwoBuildsAreByteIdentical()
    {
        static byte[] Build()
        {
            var g = new LossGraph(Batch, Classes, Hidden);
            g.Compose(TaskKind.SingleLabel, [.. LossSpec.ParseRecipe("0.5*ce:label_smoothing=0.1,class_weights=1;2;3+0.5*supcon")]);
            return ModelFile.ToBytes(g.Model);
        }
        CollectionAssert.AreEqual(Build(), Build());
    }

    [TestMethod]
    public void TheValidatorAcceptsTheComposedGraph()
    {
        var g = new LossGraph(Batch, Classes, Hidden);
        g.Compose(TaskKind.SingleLabel, [.. LossSpec.Default]);
        var problems = GraphValidator.Check(g.Graph);
        Assert.IsEmpty(problems, string.Join("\n", problems));
    }

    [TestMethod]
    [DataRow("0.5*kd", TaskKind.SingleLabel, "needs 'teacher_logits'")]
    [DataRow("cosine", TaskKind.Regression, "needs 'target_embedding'")]
    [DataRow("bce", TaskKind.SingleLabel, "does not apply to a single-label head (it supports multi-label)")]
    [DataRow("mse", TaskKind.MultiLabel, "does not apply to a multi-label head")]
    [DataRow("0.9*ce+0.1*supcon", TaskKind.Regression, "Loss 'ce' does not apply to a regression head")]
    [DataRow("ce:class_weights=1;2", TaskKind.SingleLabel, "class_weights has 2 values, the head has 3 classes")]
    public void RefusesWhatCannotBeBuilt(string recipe, TaskKind task, string message)
    {
        var g = new LossGraph(Batch, Classes, Hidden);
        var e = Assert.ThrowsExactly<LossException>(() => g.Compose(task, [.. LossSpec.ParseRecipe(recipe)]));
        Assert.Contains(message, e.Message);
        Assert.IsFalse(g.Graph.IsDefined(LossNames.Loss), "nothing is emitted before the checks pass");
    }

    [TestMethod]
    [DataRow(-0.1, 1.0, "is negative")]
    [DataRow(double.NaN, 1.0, "must be a finite number")]
    [DataRow(0.0, 0.0, "All loss weights are zero")]
    public void RefusesBadWeights(double w1, double w2, string message)
    {
        var g = new LossGraph(Batch, Classes, Hidden);
        var e = Assert.ThrowsExactly<LossException>(() =>
            g.Compose(TaskKind.SingleLabel, new WeightedLoss(new CrossEntropyLoss(), w1), new WeightedLoss(new SupConLoss(), w2)));
        Assert.Contains(message, e.Message);
    }

    [TestMethod]
    public void RefusesMissingValuesAndASecondLoss()
    {
        var g = new LossGraph(Batch, Classes, Hidden);
        var e = Assert.ThrowsExactly<LossException>(() => LossComposer.Apply(g.Graph, new LossComposerOptions { Logits = "scores" }));
        Assert.Contains("no logits value 'scores'", e.Message);
        e = Assert.ThrowsExactly<LossException>(() => LossComposer.Apply(g.Graph, new LossComposerOptions { Pooled = "embedding" }));
        Assert.Contains("no value 'embedding'", e.Message);
        g.Compose(TaskKind.SingleLabel, [.. LossSpec.Default]);
        e = Assert.ThrowsExactly<LossException>(() => g.Compose(TaskKind.SingleLabel, [.. LossSpec.Default]));
        Assert.Contains("already has a value 'loss'", e.Message);
    }

    [TestMethod]
    public void UsesAnExistingTeacherValueInsteadOfAnInput()
    {
        var g = new LossGraph(Batch, Classes, Hidden);
        var teacher = g.Random(2, Batch * Classes);
        g.Graph.AddInitializer(TensorData.FromDoubles("teacher_out", teacher, Batch, Classes));
        var composed = g.Compose(TaskKind.SingleLabel, o => new LossComposerOptions { Task = o.Task, Terms = o.Terms, TeacherLogits = "teacher_out" },
            new WeightedLoss(new DistillationLoss(3), 1));
        CollectionAssert.AreEqual(new[] { "loss_weight_1" }, composed.FedInputs.ToArray());
        Assert.IsNull(composed.Labels);
        var loss = OrtRunner.Run(g.Model, [LossGraph.Weight(1, 1)], LossNames.Loss)[LossNames.Loss][0];
        LossTermTests.AssertClose(LossReference.Distillation(g.Logits, teacher, Batch, Classes, 3), loss, "kd");
    }

    [TestMethod]
    public void BuildsInFloatOnOpset14()
    {
        // The real graphs are float: the weights, labels and loss follow the logits' type.
        var g = new LossGraph(Batch, Classes, Hidden, opset: 14);
        foreach (var name in new[] { HeadNames.Logits, HeadNames.Pooled })
        {
            var t = g.Graph.Initializer(name)!;
            g.Graph.RemoveInitializer(name);
            g.Graph.AddInitializer(TensorData.FromFloats(name, [.. TensorData.ToDoubles(t).Select(v => (float)v)], [.. t.Dims]));
        }
        g.Compose(TaskKind.SingleLabel, [.. LossSpec.Default]);
        Assert.AreEqual((int)DataType.Float, ShapeInference.Infer(g.Graph)["loss_weight_1"].ElemType);
        TensorFeed[] feeds = [LossGraph.Labels(Labels), TensorFeed.Of("loss_weight_1", new[] { 0.9f }), TensorFeed.Of("loss_weight_2", new[] { 0.1f })];
        var loss = OrtRunner.Run(g.Model, feeds, LossNames.Loss)[LossNames.Loss][0];
        var expected = 0.9 * LossReference.CrossEntropy(g.Logits, Labels, Classes) + 0.1 * LossReference.SupCon(g.Pooled, Labels, Hidden, 0.1);
        LossTermTests.AssertClose(expected, loss, "float loss against the double reference");
        var report = GradientChecker.Check(g.Model, LossNames.Loss, [HeadNames.Logits, HeadNames.Pooled], feeds, Tolerances.Float);
        Assert.IsTrue(report.Passed, report.Describe());
    }
}

using OrtAdapter.Build.Artifacts;
using OrtAdapter.Build.Tests.Artifacts;
using OrtAdapter.Build.Tests.Checkpoints;
using OrtAdapter.Build.Tests.Losses;
using OrtAdapter.Onnx;
using OrtAdapter.Onnx.Protobuf;

namespace OrtAdapter.Build.Tests.Surgery;

/// <summary>
/// onnx's version converter, taking a pre-13 model to opset 13, wraps each Softmax as Flatten -> Softmax -> Reshape
/// (back to the input's shape). Surgery must see through it: same structure, dropout on the 4-D probabilities, and
/// the same eval outputs as the unwrapped model.
/// </summary>
[TestClass]
public sealed class FlattenedSoftmaxTests
{
    static void WrapSoftmax(OnnxGraph g)
    {
        foreach (var softmax in g.Nodes.Where(n => n.OpType == OpTypes.Softmax).ToList())
        {
            var (x, y) = (softmax.Input[0], softmax.Output[0]);
            var b = new OpBuilder(g, softmax.Name + "/converted");
            var flat = b.Op(OpTypes.Flatten, [x], Attr.Int("axis", 3));
            var probs = b.Softmax(flat, -1);
            g.RemoveNode(softmax);
            g.AddNode(new NodeProto { OpType = OpTypes.Reshape, Name = softmax.Name + "/converted/Reshape", Input = { probs, b.Shape(x) }, Output = { y } });
        }
        g.CleanupAndSort();
    }

    [TestMethod]
    public void WrappedSoftmaxBuildsAndEvaluatesLikeThePlainOne()
    {
        using var temp = new TempFolder();
        var plain = ArtifactBuilder.Build(TinyEncoder.Write(temp["plain-base"]), ArtifactRecipe.Default, temp["plain"]);
        var wrapped = ArtifactBuilder.Build(TinyEncoder.Write(temp["wrapped-base"], WrapSoftmax), ArtifactRecipe.Default, temp["wrapped"]);
        Assert.AreEqual(plain.TrainableParameterCount, wrapped.TrainableParameterCount);
        CollectionAssert.AreEqual(plain.DropoutMasks.Select(m => string.Join(",", m.Dims)).ToArray(), wrapped.DropoutMasks.Select(m => string.Join(",", m.Dims)).ToArray(),
            "the attention-probability masks are [batch, heads, seq, seq] in both");

        var trainable = plain.Trainable.Select(t => (t.Name, t.Dims.Select(long.Parse).ToArray())).ToList();
        double[] Logits(string folder, ArtifactManifest m)
        {
            var eval = TinyEncoder.LoadGraph(folder, m.EvalModel);
            ArtifactFeeds.RandomTrainables(eval, trainable, scale: 0.3, seed: 9);
            return OrtRunner.Run(eval, ArtifactFeeds.Batch4(), "logits")["logits"];
        }
        var (a, c) = (Logits(temp["plain"], plain), Logits(temp["wrapped"], wrapped));
        for (int i = 0; i < a.Length; i++) Assert.AreEqual(a[i], c[i], 1e-5, $"logit {i}");
    }
}

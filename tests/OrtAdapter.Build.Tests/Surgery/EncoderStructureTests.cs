using OrtAdapter.Build.Surgery;
using System.Text.RegularExpressions;
using OrtAdapter.Onnx;

namespace OrtAdapter.Build.Tests.Surgery;

[TestClass]
public sealed class EncoderStructureTests
{
    [TestMethod]
    [DataRow("bert-mini-uncased", "model_opset17.onnx", 4, 256L, 1024L, "gelu-erf")]
    [DataRow("bert-mini-uncased", "model_opset14.onnx", 4, 256L, 1024L, "gelu-erf")]
    [DataRow("distilbert-style-random", "model_opset14.onnx", 3, 128L, 512L, "gelu-erf")]
    public void FindsEveryBlock(string model, string file, int layers, long hidden, long ffn, string activation)
    {
        var graph = SurgeryModels.Load(model, file);
        var s = EncoderStructure.Find(graph);

        Assert.HasCount(layers, s.Blocks);
        Assert.AreEqual(hidden, s.HiddenSize);
        Assert.AreEqual(ffn, s.IntermediateSize);
        Assert.AreEqual(file.Contains("14"), s.Embeddings.Decomposed);
        for (int i = 0; i < layers; i++)
        {
            var b = s.Blocks[i];
            Assert.AreEqual(i == 0 ? s.Embeddings.Output : s.Blocks[i - 1].Output, b.Input);
            Assert.AreEqual(activation, b.Activation);
            Assert.AreEqual(OpTypes.Softmax, graph.Producer(b.AttentionProbs)!.OpType);
            // The exporters name nodes after the module; structure never reads names, so they check it independently.
            StringAssert.Matches(b.Query.MatMul.Name, new Regex("query|q_lin"));
            StringAssert.Matches(b.Key.MatMul.Name, new Regex("key|k_lin"));
            StringAssert.Matches(b.Value.MatMul.Name, new Regex("value|v_lin"));
            StringAssert.Matches(b.Attention.Projection.MatMul.Name, new Regex("attention/output/dense|out_lin"));
            StringAssert.Matches(b.Ffn.Projection.MatMul.Name, new Regex("/output/dense|lin2"));
            Assert.AreEqual((hidden, ffn), (b.FfnUp.InFeatures, b.FfnUp.OutFeatures));
            Assert.AreEqual((ffn, hidden), (b.Ffn.Projection.InFeatures, b.Ffn.Projection.OutFeatures));
            Assert.AreEqual((hidden, hidden), (b.Attention.Projection.InFeatures, b.Attention.Projection.OutFeatures));
        }
        Assert.IsTrue(graph.IsGraphOutput(s.Blocks[^1].Output), "the last block's output is last_hidden_state");
    }

    [TestMethod]
    public void MissingResidualAddIsNamed()
    {
        var graph = SurgeryModels.Load("bert-mini-uncased", "model_opset17.onnx");
        var s = EncoderStructure.Find(graph);
        // Break block 1's FFN residual: the layer norm reads the projection directly.
        var b = s.Blocks[1].Ffn;
        graph.ReplaceAllUses(b.Residual.Output[0], b.Projection.Output);
        graph.CleanupAndSort();

        var e = Assert.ThrowsExactly<EncoderStructureException>(() => EncoderStructure.Find(graph));
        StringAssert.Contains(e.Message, $"residual Add after '{b.Projection.MatMul.Name}' (MatMul [1024, 256]) not found: its consumer is");
        StringAssert.Contains(e.Message, "(LayerNormalization)");
        StringAssert.Contains(e.Message, "block 1");
    }

    [TestMethod]
    public void NoEncoderIsNamed()
    {
        var graph = SurgeryModels.Load("bert-mini-uncased", "model_opset17.onnx");
        var s = EncoderStructure.Find(graph);
        // Without a key projection there is no Q·Kᵀ: the embedding layer norm no longer feeds three projections.
        var k = s.Blocks[0].Key;
        graph.ReplaceAllUses(k.Output, k.Input);
        graph.CleanupAndSort();

        var e = Assert.ThrowsExactly<EncoderStructureException>(() => EncoderStructure.Find(graph));
        StringAssert.Contains(e.Message, "embedding layer norm not found");
    }
}

using Microsoft.ML.OnnxRuntime;
using OrtAdapter.Bench.Encoders;
using OrtAdapter.Onnx;
using OrtAdapter.Onnx.Protobuf;

namespace OrtAdapter.Build.Tests.Encoders;

[TestClass]
public sealed class SyntheticEncoderTests
{
    /// <summary>Small enough for any test: 2 layers, hidden 32.</summary>
    internal static SyntheticEncoderOptions Tiny(int opset = 14) => new()
    {
        Layers = 2, Hidden = 32, Heads = 4, Intermediate = 64, VocabSize = 50, MaxPositions = 16, Opset = opset, Seed = 7,
    };

    static SyntheticEncoderOptions BertMini(int opset) => new()
    {
        Layers = 4, Hidden = 256, Heads = 4, Intermediate = 1024, Opset = opset, DeduplicateInitializers = false,
    };

    static string SharedBenchModel => Path.Combine(RepoPaths.Root, "..", "shared", "models", BenchEncoder.Name, BenchEncoder.FileName);

    [TestMethod]
    [DataRow(14)]
    [DataRow(16)]
    [DataRow(17)]
    public void TinyEncoderValidatesAndRuns(int opset)
    {
        var model = SyntheticEncoder.Create(Tiny(opset));
        Assert.IsEmpty(GraphValidator.Check(new OnnxGraph(model)));

        var (hidden, pooled) = Run(model, [3, 9, 4, 8, 2, 5, 7, 1, 0, 0]);
        Assert.HasCount(2 * 5 * 32, hidden);
        Assert.HasCount(2 * 32, pooled);
        Assert.IsTrue(hidden.Concat(pooled).All(float.IsFinite));
        Assert.IsTrue(pooled.All(v => v is > -1f and < 1f), "pooler_output is a tanh");
    }

    [TestMethod]
    public void MaskedPositionsDoNotReachTheOthers()
    {
        var model = SyntheticEncoder.Create(Tiny());
        var (a, _) = Run(model, [3, 9, 4, 8, 2, 5, 7, 1, 0, 0]);
        var (b, _) = Run(model, [3, 9, 4, 8, 2, 5, 7, 1, 42, 13]); // row 1, positions 3 and 4 are masked
        for (int i = 0; i < 5 * 32 + 3 * 32; i++)
            Assert.AreEqual(a[i], b[i], Tolerances.Parity, $"element {i}");
    }

    [TestMethod]
    public void Opset17MatchesOpset14Numerically()
    {
        // Same seed, same weights (values are keyed by parameter name): LayerNormalization vs its decomposition.
        var (h14, p14) = Run(SyntheticEncoder.Create(Tiny(14)), [3, 9, 4, 8, 2, 5, 7, 1, 0, 0]);
        var (h17, p17) = Run(SyntheticEncoder.Create(Tiny(17)), [3, 9, 4, 8, 2, 5, 7, 1, 0, 0]);
        for (int i = 0; i < h14.Length; i++) Assert.AreEqual(h14[i], h17[i], Tolerances.Parity, $"last_hidden_state[{i}]");
        for (int i = 0; i < p14.Length; i++) Assert.AreEqual(p14[i], p17[i], Tolerances.Parity, $"pooler_output[{i}]");
    }

    [TestMethod]
    public void SameOptionsGiveByteIdenticalModels()
    {
        var first = ModelFile.ToBytes(SyntheticEncoder.Create(Tiny()));
        CollectionAssert.AreEqual(first, ModelFile.ToBytes(SyntheticEncoder.Create(Tiny())));
        var reseeded = new SyntheticEncoderOptions
        {
            Layers = 2, Hidden = 32, Heads = 4, Intermediate = 64, VocabSize = 50, MaxPositions = 16, Seed = 8,
        };
        CollectionAssert.AreNotEqual(first, ModelFile.ToBytes(SyntheticEncoder.Create(reseeded)));
    }

    [TestMethod]
    [DataRow(14, "model_opset14.onnx")]
    [DataRow(17, "model_opset17.onnx")]
    public void BertMiniShapeHasTheExportsStructure(int opset, string file)
    {
        // bert-mini holds trained weights, so no two initializers are equal and the export has no Identity aliases:
        // compare with de-duplication off. Everything but weight values (and producer fields) must be equal.
        var expected = ModelFile.Load(RepoPaths.Graphs("bert-mini-uncased", file));
        var actual = SyntheticEncoder.Create(BertMini(opset));
        Assert.AreEqual(ExportComparison.Histogram(expected), ExportComparison.Histogram(actual));
        var differences = ExportComparison.StructuralDifferences(actual, expected);
        Assert.IsEmpty(differences, string.Join("\n", differences.Take(5)));
    }

    [TestMethod]
    public void BenchShapeHasBertModelsParameterCount()
    {
        var o = new SyntheticEncoderOptions();
        long h = o.Hidden, f = o.Intermediate;
        var embeddings = (o.VocabSize + o.MaxPositions + o.TypeVocabSize) * h + 2 * h;
        var layer = 4 * (h * h + h) + 2 * h + (h * f + f) + (f * h + h) + 2 * h;
        var expected = embeddings + o.Layers * layer + (h * h + h);
        Assert.AreEqual(14_068_608, expected); // the README's 14.07M
        Assert.AreEqual(expected, ExportComparison.ParameterCount(SyntheticEncoder.Create(o)));
    }

    [TestMethod]
    public void BenchShapeHasTheSharedExportsStructure()
    {
        if (!File.Exists(SharedBenchModel)) Assert.Inconclusive($"{SharedBenchModel} is absent.");
        var expected = ModelFile.Load(SharedBenchModel);
        var actual = SyntheticEncoder.Create(BenchEncoder.Options);
        // A fresh BertModel's biases are zero and its layer-norm weights one: the export folds them into three
        // initializers aliased by 60 Identity nodes, and so does the synthetic encoder.
        Assert.AreEqual(ExportComparison.Histogram(expected), ExportComparison.Histogram(actual));
        Assert.AreEqual(ExportComparison.ParameterCount(expected), ExportComparison.ParameterCount(actual));
        var differences = ExportComparison.StructuralDifferences(actual, expected);
        Assert.IsEmpty(differences, string.Join("\n", differences.Take(5)));
    }

    [TestMethod]
    public void BadOptionsAreNamed()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => SyntheticEncoder.Create(new SyntheticEncoderOptions { Hidden = 30, Heads = 4 }));
        StringAssert.Contains(e.Message, "Heads");
        e = Assert.ThrowsExactly<ArgumentException>(() => SyntheticEncoder.Create(new SyntheticEncoderOptions { Opset = 18 }));
        StringAssert.Contains(e.Message, "Opset");
    }

    /// <summary>Runs a batch of 2 × 5 tokens; row 1 masks its last two positions.</summary>
    static (float[] Hidden, float[] Pooled) Run(ModelProto model, long[] ids)
    {
        using var session = new InferenceSession(ModelFile.ToBytes(model));
        long[] shape = [2, 5];
        using var inputIds = OrtValue.CreateTensorValueFromMemory(ids, shape);
        using var mask = OrtValue.CreateTensorValueFromMemory(new long[] { 1, 1, 1, 1, 1, 1, 1, 1, 0, 0 }, shape);
        using var types = OrtValue.CreateTensorValueFromMemory(new long[] { 0, 0, 0, 1, 1, 0, 0, 1, 1, 1 }, shape);
        using var run = new RunOptions();
        using var outputs = session.Run(run,
            new Dictionary<string, OrtValue> { ["input_ids"] = inputIds, ["attention_mask"] = mask, ["token_type_ids"] = types },
            ["last_hidden_state", "pooler_output"]);
        return (outputs[0].GetTensorDataAsSpan<float>().ToArray(), outputs[1].GetTensorDataAsSpan<float>().ToArray());
    }
}

using OrtAdapter.Build.Adapters;
using OrtAdapter.Build.Surgery;
using OrtAdapter.Onnx;

namespace OrtAdapter.Build.Tests.Surgery;

[TestClass]
public sealed class AdapterPassTests
{
    public static IEnumerable<object[]> Cases()
    {
        foreach (var (model, file) in new[] { ("bert-mini-uncased", "model_opset17.onnx"), ("bert-mini-uncased", "model_opset14.onnx"), ("distilbert-style-random", "model_opset14.onnx") })
            foreach (var kind in AdapterKinds.Names)
                yield return [model, file, kind];
    }

    /// <summary>Through the registry, as the artifact builder does it.</summary>
    static AdapterPassResult Apply(string kind, OnnxGraph graph, EncoderStructure s, AdapterActivation activation = AdapterActivation.Relu)
    {
        var k = AdapterKinds.Get(kind);
        var settings = k.CommandLineOptions.Contains(AdapterSettings.ActivationOption) ? new AdapterSettings { Activation = activation } : new AdapterSettings();
        return k.Insert(graph, s, k.Configure(settings));
    }

    [TestMethod]
    [DynamicData(nameof(Cases))]
    public void EqualsBaseAtInitAndDiffersWithRandomWeights(string model, string file, string kind)
    {
        var base_ = SurgeryModels.Load(model, file);
        var expected = SurgeryOrt.Run(base_);
        var graph = SurgeryModels.Load(model, file);
        var structure = EncoderStructure.Find(graph);

        var result = Apply(kind, graph, structure);

        int perLayer = kind switch { "houlsby" => 8, "ia3" => 3, _ => 4 };
        Assert.HasCount(perLayer * structure.Blocks.Count, result.TrainableInitializers);
        Assert.IsEmpty(result.DropoutPoints);
        foreach (var t in base_.Initializers)
            CollectionAssert.AreEqual(TensorData.RawBytes(t).ToArray(), TensorData.RawBytes(graph.Initializer(t.Name)!).ToArray(), $"base initializer '{t.Name}' changed");
        GraphValidator.ThrowIfInvalid(graph, "adapted");

        var atInit = SurgeryOrt.Run(graph);
        foreach (var (name, values) in expected)
            Assert.IsLessThanOrEqualTo(Tolerances.Parity, SurgeryOrt.MaxDifference(atInit[name], values), $"{kind} on {model}/{file}: output '{name}' at initialisation");

        // Zero-initialised up-projections (LoRA B) and IA³'s ones made the adapters invisible; random ones must show.
        int seed = 1;
        foreach (var name in result.TrainableInitializers.Where(n => n.EndsWith(".up.weight", StringComparison.Ordinal) || n.EndsWith(".lora_b", StringComparison.Ordinal) || n.EndsWith(Ia3Pass.ScaleSuffix, StringComparison.Ordinal)))
            SurgeryOrt.Randomize(graph, name, 0.5, seed++);
        var trained = SurgeryOrt.Run(graph);
        Assert.IsGreaterThan(1e-3, SurgeryOrt.MaxDifference(trained["last_hidden_state"], expected["last_hidden_state"]), $"{kind}: adapters are not on the path");
    }

    [TestMethod]
    public void HoulsbyDefaultsMatchTheReferenceRecipe()
    {
        var graph = SurgeryModels.Load("bert-mini-uncased", "model_opset17.onnx");
        var result = new HoulsbyAdapterPass().Apply(graph, EncoderStructure.Find(graph));

        // REFERENCE.md: 68,226 trainable parameters including the 256x2 + 2 linear head.
        Assert.AreEqual(68_226 - 514, result.TrainableInitializers.Sum(n => TensorData.ElementCount(graph.Initializer(n)!.Dims)));
        CollectionAssert.AreEqual(new[] { "adapter.layer0.attn.down.weight", "adapter.layer0.attn.down.bias", "adapter.layer0.attn.up.weight", "adapter.layer0.attn.up.bias" },
            result.TrainableInitializers.Take(4).ToArray());
        CollectionAssert.AreEqual(new long[] { 256, 16 }, graph.Initializer("adapter.layer0.attn.down.weight")!.Dims.ToArray());
        Assert.IsTrue(TensorData.ToFloats(graph.Initializer("adapter.layer3.ffn.up.weight")!).All(v => v == 0));
        var down = TensorData.ToFloats(graph.Initializer("adapter.layer0.attn.down.weight")!);
        // PyTorch's nn.Linear default: uniform ±1/√256 = ±0.0625, so std 0.0625/√3 ≈ 0.0361.
        var std = Math.Sqrt(down.Average(v => (double)v * v));
        Assert.IsTrue(std is > 0.034 and < 0.038, $"down-projection std {std}");
        Assert.IsTrue(down.All(v => Math.Abs(v) <= 0.0625f), "down-projection outside ±1/√hidden");
    }

    [TestMethod]
    [DataRow(AdapterActivation.Gelu)]
    [DataRow(AdapterActivation.Tanh)]
    public void OtherActivationsKeepParity(AdapterActivation activation)
    {
        var expected = SurgeryOrt.Run(SurgeryModels.Load("distilbert-style-random", "model_opset14.onnx"));
        var graph = SurgeryModels.Load("distilbert-style-random", "model_opset14.onnx");
        var result = Apply("houlsby", graph, EncoderStructure.Find(graph), activation);
        Assert.IsLessThanOrEqualTo(Tolerances.Parity, SurgeryOrt.MaxDifference(SurgeryOrt.Run(graph)["last_hidden_state"], expected["last_hidden_state"]));
        Assert.IsTrue(graph.Nodes.Any(n => n.Name.StartsWith("adapter.layer0.attn/", StringComparison.Ordinal) && n.OpType == (activation == AdapterActivation.Gelu ? OpTypes.Erf : OpTypes.Tanh)));
        Assert.HasCount(24, result.TrainableInitializers);
    }

    [TestMethod]
    public void LayerSelectionAndRepeatedApplication()
    {
        var graph = SurgeryModels.Load("bert-mini-uncased", "model_opset17.onnx");
        var s = EncoderStructure.Find(graph);
        var result = new LoraPass(new LoraOptions { Layers = [3, 1], Targets = LoraTargets.Value, Rank = 4 }).Apply(graph, s);
        CollectionAssert.AreEqual(new[] { "adapter.layer1.value.lora_a", "adapter.layer1.value.lora_b", "adapter.layer3.value.lora_a", "adapter.layer3.value.lora_b" }, result.TrainableInitializers.ToArray());
        CollectionAssert.AreEqual(new long[] { 256, 4 }, graph.Initializer("adapter.layer1.value.lora_a")!.Dims.ToArray());

        var again = Assert.ThrowsExactly<InvalidOperationException>(() => new LoraPass(new LoraOptions { Layers = [1], Targets = LoraTargets.Value }).Apply(graph, s));
        StringAssert.Contains(again.Message, "adapter.layer1.value.lora_a");
        var range = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new HoulsbyAdapterPass(new BottleneckAdapterOptions { Layers = [4] }).Apply(graph, s));
        StringAssert.Contains(range.Message, "layer 4 does not exist");
    }

    [TestMethod]
    public void TwoBuildsAreByteIdentical()
    {
        byte[] Build()
        {
            var graph = SurgeryModels.Load("bert-mini-uncased", "model_opset14.onnx");
            var s = EncoderStructure.Find(graph);
            new HoulsbyAdapterPass().Apply(graph, s);
            var lora = new LoraPass(new LoraOptions { Dropout = 0.1f }).Apply(graph, s);
            new DropoutPass().Apply(graph, s, lora.DropoutPoints);
            return ModelFile.ToBytes(graph.Model);
        }
        CollectionAssert.AreEqual(Build(), Build());
    }
}

using OrtAdapter.Build.Surgery;
using OrtAdapter.Onnx;
using OrtAdapter.Onnx.Protobuf;

namespace OrtAdapter.Build.Tests.Surgery;

[TestClass]
public sealed class DropoutPassTests
{
    [TestMethod]
    [DataRow("bert-mini-uncased", "model_opset17.onnx", 4, "256", "4")]
    [DataRow("bert-mini-uncased", "model_opset14.onnx", 4, "256", "4")]
    [DataRow("distilbert-style-random", "model_opset14.onnx", 3, "128", "4")]
    public void SitesHaveSymbolicShapes(string model, string file, int layers, string hidden, string heads)
    {
        var graph = SurgeryModels.Load(model, file);
        var sites = new DropoutPass().Apply(graph, EncoderStructure.Find(graph));

        Assert.HasCount(1 + 3 * layers, sites);
        CollectionAssert.AreEqual(Enumerable.Range(0, sites.Count).Select(k => $"dropout_mask.{k}").ToArray(), sites.Select(s => s.MaskInput).ToArray());
        CollectionAssert.AreEqual(new[] { "batch_size", "sequence_length", hidden }, sites[0].Dims, "embeddings");
        CollectionAssert.AreEqual(new[] { "batch_size", heads, "sequence_length", "sequence_length" }, sites[1].Dims, "attention probabilities");
        CollectionAssert.AreEqual(new[] { "batch_size", "sequence_length", hidden }, sites[2].Dims, "attention output");
        CollectionAssert.AreEqual(new[] { "batch_size", "sequence_length", hidden }, sites[3].Dims, "FFN output");
        Assert.IsTrue(sites.All(s => s.Rate == 0.1f));
        foreach (var s in sites)
        {
            // The mask is one byte an element, dequantized to 0 or 1/(1-p) and applied by one Mul: x·mask.
            var input = graph.Proto.Input.Single(i => i.Name == s.MaskInput);
            Assert.AreEqual((int)TensorProto.Types.DataType.Uint8, input.Type.TensorType.ElemType);
            var apply = Apply(graph, s);
            Assert.AreEqual(apply, graph.Consumers(s.Value).Single(), $"mask '{s.MaskInput}': the value is read by its dropout Mul only");
        }
        Assert.IsFalse(graph.Nodes.Any(n => n.OpType == OpTypes.Dropout), "masks are fed, never drawn by ONNX Dropout");
    }

    [TestMethod]
    [DataRow("bert-mini-uncased", "model_opset17.onnx")]
    [DataRow("distilbert-style-random", "model_opset14.onnx")]
    public void MasksKeepOrZeroAndScale(string model, string file)
    {
        var graph = SurgeryModels.Load(model, file);
        var structure = EncoderStructure.Find(graph);
        var sites = new DropoutPass(new DropoutOptions { HiddenRate = 0.25f, AttentionRate = 0.1f }).Apply(graph, structure);
        // Expose each checked site's input and its dropped value, as computed by ORT in the same run.
        var checkedSites = new[] { sites[0], sites[1], sites[^1] };
        var dropped = checkedSites.Select(s => Apply(graph, s).Output[0]).ToList();
        foreach (var s in checkedSites) SurgeryOrt.Expose(graph, s.Value);
        foreach (var d in dropped) SurgeryOrt.Expose(graph, d);

        var masks = RandomMasks(sites, seed: 7, keep: 0.8);
        var outputs = SurgeryOrt.Run(graph, masks);

        for (int j = 0; j < checkedSites.Length; j++)
        {
            var (site, x, y, mask) = (checkedSites[j], outputs[checkedSites[j].Value], outputs[dropped[j]], masks[checkedSites[j].MaskInput]);
            Assert.HasCount(x.Length, mask, $"mask '{site.MaskInput}' covers '{site.Value}'");
            float scale = (float)(1.0 / (1.0 - site.Rate));
            for (int i = 0; i < x.Length; i++)
            {
                Assert.IsTrue(mask[i] is 0 or 1, $"mask {site.MaskInput}[{i}] is 0 or 1");
                Assert.AreEqual(mask[i] != 0 ? x[i] * scale : 0f, y[i], $"site {site.MaskInput}[{i}]");
            }
        }
        var expected = SurgeryOrt.Run(SurgeryModels.Load(model, file));
        Assert.IsGreaterThan(1e-3, SurgeryOrt.MaxDifference(outputs["last_hidden_state"], expected["last_hidden_state"]));
        Assert.IsTrue(outputs["last_hidden_state"].All(float.IsFinite));
    }

    [TestMethod]
    public void AdaptersReadTheDroppedProjectionInEitherOrder()
    {
        // h = LayerNorm(x + adapter(dropout(proj))) whether the adapter or the dropout pass runs first.
        Dictionary<string, float[]> Build(bool dropoutFirst)
        {
            var graph = SurgeryModels.Load("bert-mini-uncased", "model_opset17.onnx");
            var s = EncoderStructure.Find(graph);
            IReadOnlyList<DropoutSite> sites;
            AdapterPassResult houlsby, lora;
            if (dropoutFirst)
            {
                sites = new DropoutPass().Apply(graph, s);
                houlsby = new HoulsbyAdapterPass().Apply(graph, s);
                lora = new LoraPass().Apply(graph, s);
            }
            else
            {
                houlsby = new HoulsbyAdapterPass().Apply(graph, s);
                lora = new LoraPass().Apply(graph, s);
                sites = new DropoutPass().Apply(graph, s);
            }
            var site = sites.Single(x => x.Value == s.Blocks[2].Ffn.Projection.Output);
            var apply = Apply(graph, site);
            Assert.AreEqual(apply, graph.Consumers(site.Value).Single(), "the projection is read only by its dropout Mul");
            var dropped = apply.Output[0];
            var readers = graph.Consumers(dropped);
            Assert.IsTrue(readers.Count == 2 && readers.All(n => n.Name.StartsWith("adapter.layer2.ffn/", StringComparison.Ordinal)),
                $"the dropped projection feeds the adapter only (its down MatMul and its skip Add), not {string.Join(", ", readers.Select(n => n.Name))}");
            CollectionAssert.AreEquivalent(new[] { OpTypes.Add, OpTypes.MatMul }, readers.Select(n => n.OpType).ToArray());
            int seed = 3;
            foreach (var n in houlsby.TrainableInitializers.Concat(lora.TrainableInitializers).Where(n => n.Contains(".up.") || n.EndsWith("lora_b", StringComparison.Ordinal)))
                SurgeryOrt.Randomize(graph, n, 0.3, seed++);
            return SurgeryOrt.Run(graph, RandomMasks(sites, seed: 11, keep: 0.9));
        }
        var a = Build(dropoutFirst: true);
        var b = Build(dropoutFirst: false);
        Assert.AreEqual(0.0, SurgeryOrt.MaxDifference(a["last_hidden_state"], b["last_hidden_state"]));
    }

    [TestMethod]
    public void LoraDropoutPointIsFed()
    {
        var graph = SurgeryModels.Load("distilbert-style-random", "model_opset14.onnx");
        var s = EncoderStructure.Find(graph);
        var lora = new LoraPass(new LoraOptions { Dropout = 0.05f, Layers = [0] }).Apply(graph, s);
        Assert.HasCount(2, lora.DropoutPoints);
        var sites = new DropoutPass().Apply(graph, s, lora.DropoutPoints);
        Assert.HasCount(1 + 3 * 3 + 2, sites);
        Assert.AreEqual(0.05f, sites[^1].Rate);
        CollectionAssert.AreEqual(new[] { "batch_size", "sequence_length", "128" }, sites[^1].Dims);
        var outputs = SurgeryOrt.Run(graph, RandomMasks(sites, seed: 5, keep: 0.9));
        Assert.IsTrue(outputs["last_hidden_state"].All(float.IsFinite));
    }

    [TestMethod]
    public void RatesComeFromConfigAndZeroMeansNoSite()
    {
        var fromConfig = DropoutOptions.FromConfig(RepoPaths.Graphs("bert-mini-uncased", "config.json"));
        Assert.AreEqual(0.1f, fromConfig.HiddenRate);
        Assert.AreEqual(0.1f, fromConfig.AttentionRate);

        var graph = SurgeryModels.Load("bert-mini-uncased", "model_opset17.onnx");
        var sites = new DropoutPass(new DropoutOptions { AttentionRate = 0 }).Apply(graph, EncoderStructure.Find(graph));
        Assert.HasCount(1 + 2 * 4, sites);
        Assert.IsFalse(sites.Any(x => x.Dims.Length == 4));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new DropoutPass(new DropoutOptions { HiddenRate = 1 }).Apply(graph, EncoderStructure.Find(SurgeryModels.Load("bert-mini-uncased", "model_opset17.onnx"))));
    }

    [TestMethod]
    public void UnknownRankFailsClearly()
    {
        var graph = SurgeryModels.Load("bert-mini-uncased", "model_opset17.onnx");
        var s = EncoderStructure.Find(graph);
        // A value whose rank no inference can know: reshaped to a shape fed at run time.
        graph.Proto.Input.Add(new ValueInfoProto { Name = "odd_shape", Type = new TensorType((int)TensorProto.Types.DataType.Int64, null).ToTypeProto() });
        var odd = new OpBuilder(graph, "odd").Reshape(s.Embeddings.Output, "odd_shape");
        var e = Assert.ThrowsExactly<InvalidOperationException>(() => new DropoutPass().Apply(graph, s, [new DropoutPoint(odd, 0.1f)]));
        StringAssert.Contains(e.Message, $"Dropout site '{odd}': its rank is unknown");
    }

    /// <summary>The Mul that applies a site's mask: x · DequantizeLinear(mask, 1/(1-p)).</summary>
    static NodeProto Apply(OnnxGraph graph, DropoutSite site)
    {
        var dequantize = graph.Consumers(site.MaskInput).Single();
        Assert.AreEqual(OpTypes.DequantizeLinear, dequantize.OpType, $"mask '{site.MaskInput}'");
        Assert.AreEqual((float)(1.0 / (1.0 - site.Rate)), (float)GraphConstants.ScalarValue(graph, dequantize.Input[1])!.Value, "the scale 1/(1-p)");
        var apply = graph.Consumers(dequantize.Output[0]).Single();
        Assert.AreEqual(OpTypes.Mul, apply.OpType, $"mask '{site.MaskInput}'");
        CollectionAssert.AreEquivalent(new[] { site.Value, dequantize.Output[0] }, apply.Input.ToArray(), $"mask '{site.MaskInput}'");
        return apply;
    }

    /// <summary>Masks as fed to a training graph: 1 where kept (probability <paramref name="keep"/>), else 0.</summary>
    static Dictionary<string, byte[]> RandomMasks(IEnumerable<DropoutSite> sites, int seed, double keep)
    {
        var rng = new Random(seed);
        return sites.ToDictionary(s => s.MaskInput, s =>
        {
            var mask = new byte[TensorData.ElementCount(SurgeryOrt.Shape(s.Dims))];
            for (int i = 0; i < mask.Length; i++) mask[i] = rng.NextDouble() < keep ? (byte)1 : (byte)0;
            return mask;
        });
    }
}

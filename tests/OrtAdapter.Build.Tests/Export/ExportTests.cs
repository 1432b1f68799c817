using System.Text.Json;
using OrtAdapter.Build.Artifacts;
using OrtAdapter.Build.Checkpoints;
using OrtAdapter.Build.Export;
using OrtAdapter.Onnx;

namespace OrtAdapter.Build.Tests.Export;

/// <summary>Lean export and attach of the default recipe (Houlsby) on bert-mini, with random adapter and head tensors.</summary>
[TestClass]
public sealed class ExportTests
{
    static ExportFixture s_fixture = null!;
    static string s_run = null!, s_model = null!;
    static ExportResult s_export = null!;
    static IReadOnlyDictionary<string, SafeTensor> s_tensors = null!;

    public TestContext TestContext { get; set; } = null!;

    [ClassInitialize]
    public static void BuildAndExport(TestContext _)
    {
        s_fixture = new ExportFixture(ArtifactRecipe.Default);
        s_run = s_fixture.MakeRun(seed: 1);
        s_tensors = Checkpoint.Load(Path.Combine(s_run, "checkpoint-best")).Tensors;
        s_model = Path.Combine(s_fixture.NewFolder("out"), "model.onnx");
        s_export = ModelExporter.Export(s_run, s_model, new ExportOptions { Embedding = true });
    }

    [ClassCleanup]
    public static void Delete() => s_fixture?.Dispose();

    static string EvalModel => Path.Combine(s_fixture.Artifacts, ArtifactBuilder.EvalModel);

    [TestMethod]
    public void LeanOutputsEqualTheEvalGraph()
    {
        foreach (var tokens in new[] { ExportOrt.Fixed, ExportOrt.Random(16, 48, seed: 7) })
        {
            var eval = ExportOrt.Run(EvalModel, tokens, s_tensors);
            var lean = ExportOrt.Run(s_model, tokens);
            CollectionAssert.AreEqual(new[] { "logits", "probabilities", "pooled" }, lean.Keys.ToArray());
            var logits = ExportOrt.MaxAbsDifference(lean["logits"], eval["logits"]);
            var pooled = ExportOrt.MaxAbsDifference(lean["pooled"], eval["pooled"]);
            TestContext.WriteLine($"batch {tokens.Batch}x{tokens.Sequence}: max |logits - eval| = {logits:E2}, max |pooled - eval| = {pooled:E2}");
            Assert.IsLessThanOrEqualTo(Tolerances.ExportParity, logits);
            Assert.IsLessThanOrEqualTo(Tolerances.ExportParity, pooled);
            var softmax = Softmax(eval["logits"], 2);
            Assert.IsLessThanOrEqualTo(Tolerances.ExportParity, ExportOrt.MaxAbsDifference(lean["probabilities"], softmax));
        }
    }

    [TestMethod]
    public void NothingOfTrainingIsLeft()
    {
        var graph = OnnxGraph.Load(s_model);
        Assert.IsEmpty(LeanModel.TrainingLeftovers(graph));
        CollectionAssert.AreEqual(new[] { "input_ids", "attention_mask", "token_type_ids" }, graph.Proto.Input.Select(i => i.Name).ToArray());
        Assert.IsFalse(graph.Nodes.Any(n => n.OpType is OpTypes.Dropout or OpTypes.Where or OpTypes.Constant or OpTypes.Identity),
            string.Join(", ", graph.Nodes.Where(n => n.OpType is OpTypes.Dropout or OpTypes.Where or OpTypes.Constant or OpTypes.Identity).Select(n => $"{n.Name} ({n.OpType})")));
        Assert.IsFalse(graph.Nodes.Any(n => n.Name.StartsWith("loss", StringComparison.Ordinal)));
        Assert.IsFalse(graph.Initializers.Any(ExternalData.IsExternal), "weights are inline");
        var eval = OnnxGraph.Load(EvalModel, loadExternalData: false);
        TestContext.WriteLine($"eval graph {eval.Nodes.Count} nodes -> lean {graph.Nodes.Count} nodes, {graph.Proto.Initializer.Count} initializers");
        Assert.IsLessThan(eval.Nodes.Count, graph.Nodes.Count);
    }

    [TestMethod]
    public void MetadataDescribesTheModel()
    {
        var props = ModelFile.Load(s_model).MetadataProps.ToDictionary(p => p.Key, p => p.Value);
        CollectionAssert.AreEqual(ExportFixture.LabelNames, JsonSerializer.Deserialize<string[]>(props[InferenceMetadata.Labels]));
        Assert.AreEqual("single-label", props[InferenceMetadata.Task]);
        Assert.AreEqual("softmax", props[InferenceMetadata.Activation]);
        Assert.AreEqual("true", props[InferenceMetadata.LowerCase]);
        Assert.AreEqual(ExportFixture.MaxLength.ToString(System.Globalization.CultureInfo.InvariantCulture), props[InferenceMetadata.MaxLength]);
        Assert.AreEqual(File.ReadAllText(Path.Combine(s_fixture.Artifacts, "vocab.txt")), props[InferenceMetadata.TokenizerFilePrefix + "vocab.txt"]);
        Assert.IsTrue(props.ContainsKey(InferenceMetadata.TokenizerFilePrefix + "tokenizer_config.json"));
        Assert.AreEqual(s_fixture.Manifest.BaseModelSha256, props[InferenceMetadata.BaseModelSha256]);
        Assert.AreEqual("houlsby", JsonDocument.Parse(props[InferenceMetadata.Recipe]).RootElement.GetProperty("adapter").GetProperty("kind").GetString());
        Assert.AreEqual(0.5, JsonDocument.Parse(props[InferenceMetadata.Metrics]).RootElement.GetProperty("test").GetProperty("accuracy").GetDouble());
        Assert.IsFalse(string.IsNullOrEmpty(props[InferenceMetadata.Version]));
    }

    [TestMethod]
    public void SizesAreBasePlusAdapter()
    {
        long baseBytes = new FileInfo(ExportFixture.BaseModel).Length, model = s_export.ModelBytes, adapter = s_export.AdapterBytes;
        var content = SafeTensors.Read(s_export.AdapterPath!);
        var parameters = content.Tensors.Values.Sum(t => t.ElementCount);
        TestContext.WriteLine($"base {baseBytes:N0} B, lean model {model:N0} B, adapter file {adapter:N0} B ({parameters:N0} parameters, {100.0 * adapter / baseBytes:F2}% of base)");
        Assert.AreEqual(68_226L, parameters);
        Assert.IsLessThan(0.05 * baseBytes, adapter);
        // The lean model is the base weights plus the adapter (tensors and metadata), within 2% of the base.
        Assert.IsLessThan(0.02 * baseBytes, Math.Abs(model - (baseBytes + adapter)));
        Assert.AreEqual(AdapterFile.PathFor(s_model), s_export.AdapterPath);
    }

    [TestMethod]
    public void AttachReproducesTheExport()
    {
        var attached = Path.Combine(s_fixture.NewFolder("attach"), "attached.onnx");
        ModelExporter.Attach(ExportFixture.BaseModel, s_export.AdapterPath!, attached, new ExportOptions { Embedding = true });
        CollectionAssert.AreEqual(File.ReadAllBytes(s_model), File.ReadAllBytes(attached), "attach writes the same bytes as export");
    }

    [TestMethod]
    public void OneBaseServesTwoAdapters()
    {
        var other = s_fixture.MakeRun(seed: 2);
        var folder = s_fixture.NewFolder("two");
        var exported2 = ModelExporter.Export(other, Path.Combine(folder, "second.onnx"));
        var (a1, a2) = (Path.Combine(folder, "attached1.onnx"), Path.Combine(folder, "attached2.onnx"));
        ModelExporter.Attach(ExportFixture.BaseModel, s_export.AdapterPath!, a1);
        ModelExporter.Attach(ExportFixture.BaseModel, exported2.AdapterPath!, a2);

        var tokens = ExportOrt.Random(8, 32, seed: 3);
        var (out1, out2) = (ExportOrt.Run(a1, tokens), ExportOrt.Run(a2, tokens));
        Assert.AreEqual(0, ExportOrt.MaxAbsDifference(out1["logits"], ExportOrt.Run(s_model, tokens)["logits"]));
        Assert.AreEqual(0, ExportOrt.MaxAbsDifference(out2["logits"], ExportOrt.Run(exported2.ModelPath, tokens)["logits"]));
        var apart = ExportOrt.MaxAbsDifference(out1["logits"], out2["logits"]);
        TestContext.WriteLine($"two adapters on one base: max |logits1 - logits2| = {apart:F4}");
        Assert.IsGreaterThan(1e-2, apart);
    }

    [TestMethod]
    public void Float16StaysCloseToFloat()
    {
        var path = Path.Combine(s_fixture.NewFolder("fp16"), "model.onnx");
        var result = ModelExporter.Export(s_run, path, new ExportOptions { Float16 = true, WriteAdapterFile = false });
        Assert.IsNull(result.AdapterPath);
        var tokens = ExportOrt.Random(16, 48, seed: 11);
        var diff = ExportOrt.MaxAbsDifference(ExportOrt.Run(path, tokens)["probabilities"], ExportOrt.Run(s_model, tokens)["probabilities"]);
        TestContext.WriteLine($"fp16 weights: {result.ModelBytes:N0} B (fp32 {s_export.ModelBytes:N0} B), max |p16 - p32| = {diff:E2}");
        Assert.IsLessThanOrEqualTo(Tolerances.Float16Probability, diff);
        Assert.IsLessThan(0.6 * s_export.ModelBytes, result.ModelBytes);
    }

    [TestMethod]
    public void Int8RunsAndIsReported()
    {
        var path = Path.Combine(s_fixture.NewFolder("int8"), "model.onnx");
        var result = ModelExporter.Export(s_run, path, new ExportOptions { Int8 = true, WriteAdapterFile = false });
        var graph = OnnxGraph.Load(path);
        Assert.IsTrue(graph.Nodes.Any(n => n.OpType == OpTypes.MatMulInteger));
        var tokens = ExportOrt.Random(64, 32, seed: 13);
        var (q, f) = (ExportOrt.Run(path, tokens), ExportOrt.Run(s_model, tokens));
        var diff = ExportOrt.MaxAbsDifference(q["probabilities"], f["probabilities"]);
        var agree = ExportOrt.ArgMax(q["logits"], 2).Zip(ExportOrt.ArgMax(f["logits"], 2)).Count(p => p.First == p.Second) / 64.0;
        TestContext.WriteLine($"int8: {result.ModelBytes:N0} B (fp32 {s_export.ModelBytes:N0} B), {graph.Nodes.Count(n => n.OpType == OpTypes.MatMulInteger)} MatMulInteger, " +
            $"max |p8 - p32| = {diff:F4}, predictions agreeing with fp32 {agree:P1}");
        Assert.IsGreaterThanOrEqualTo(0.9, agree, "int8 predictions mostly agree with float");
        // MatMul weights shrink 4x; the embedding tables stay float.
        Assert.IsLessThan(0.6 * s_export.ModelBytes, result.ModelBytes);
    }

    static float[] Softmax(float[] logits, int classes)
    {
        var p = new float[logits.Length];
        for (int r = 0; r < logits.Length / classes; r++)
        {
            var row = logits.AsSpan(r * classes, classes);
            double max = row.ToArray().Max(), sum = 0;
            for (int c = 0; c < classes; c++) sum += Math.Exp(row[c] - max);
            for (int c = 0; c < classes; c++) p[r * classes + c] = (float)(Math.Exp(row[c] - max) / sum);
        }
        return p;
    }
}

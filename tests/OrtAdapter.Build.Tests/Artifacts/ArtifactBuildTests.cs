using System.Security.Cryptography;
using OrtAdapter.Build.Adapters;
using OrtAdapter.Build.Artifacts;
using OrtAdapter.Build.Losses;
using OrtAdapter.Build.Optimizer;
using OrtAdapter.Build.Tests.Checkpoints;
using OrtAdapter.Inference;
using OrtAdapter.Onnx;

namespace OrtAdapter.Build.Tests.Artifacts;

[TestClass]
public sealed class ArtifactBuildTests
{
    [TestMethod]
    [DataRow("houlsby")]
    [DataRow("lora")]
    public void TwoBuildsAreByteIdentical(string kind)
    {
        using var temp = new TempFolder();
        var model = TinyEncoder.Write(temp["base"]);
        var recipe = new ArtifactRecipe { Adapter = AdapterKinds.Configure(kind, new()), FuseOptimizer = kind == "houlsby" };
        ArtifactBuilder.Build(model, recipe, temp["a"]);
        ArtifactBuilder.Build(model, recipe, temp["b"]);

        var files = Files(temp["a"]);
        CollectionAssert.AreEqual(files, Files(temp["b"]), "same file list");
        CollectionAssert.IsSubsetOf(new[] { ArtifactBuilder.TrainingModel, ArtifactBuilder.EvalModel, ArtifactBuilder.FrozenWeights, ArtifactManifest.FileName }, files);
        foreach (var f in files)
            CollectionAssert.AreEqual(File.ReadAllBytes(Path.Combine(temp["a"], f)), File.ReadAllBytes(Path.Combine(temp["b"], f)), $"{f} differs between two builds");
        Assert.IsFalse(Directory.Exists(temp["a"] + ".building"), "no temporary folder left behind");
    }

    [TestMethod]
    public void ManifestOfTinyBuildListsAdaptersHeadAndMasks()
    {
        using var temp = new TempFolder();
        var model = TinyEncoder.Write(temp["base"]);
        var manifest = ArtifactBuilder.Build(model, ArtifactRecipe.Default, temp["a"]);
        var loaded = ArtifactManifest.Load(temp["a"]);

        const int h = TinyEncoder.Hidden, r = h / 16;
        var expected = new List<(string, string[])>();
        for (int l = 0; l < TinyEncoder.Layers; l++)
            foreach (var site in (string[])["attn", "ffn"])
                expected.AddRange([
                    ($"adapter.layer{l}.{site}.down.weight", [$"{h}", $"{r}"]), ($"adapter.layer{l}.{site}.down.bias", [$"{r}"]),
                    ($"adapter.layer{l}.{site}.up.weight", [$"{r}", $"{h}"]), ($"adapter.layer{l}.{site}.up.bias", [$"{h}"])]);
        expected.AddRange([("head.weight", [$"{h}", "2"]), ("head.bias", ["2"])]);
        CollectionAssert.AreEqual(expected.Select(e => $"{e.Item1} [{string.Join(",", e.Item2)}]").ToList(),
            loaded.Trainable.Select(t => $"{t.Name} [{string.Join(",", t.Dims)}]").ToList());
        Assert.IsTrue(loaded.Trainable.All(t => t.ElementType == "float"));
        Assert.AreEqual(manifest.TrainableParameterCount, loaded.TrainableParameterCount);
        Assert.AreEqual(TinyEncoder.Layers * 2 * (h * r + r + r * h + h) + h * 2 + 2, loaded.TrainableParameterCount);

        // config.json's 0.1 dropout: embeddings, then per layer attention probabilities and both sublayer outputs.
        Assert.HasCount(1 + 3 * TinyEncoder.Layers, loaded.DropoutMasks);
        Assert.IsTrue(loaded.DropoutMasks.All(m => Math.Abs(m.Rate - 0.1f) < 1e-7));
        CollectionAssert.AreEqual(new[] { "batch_size", "sequence_length", $"{h}" }, loaded.DropoutMasks[0].Dims.ToArray());
        CollectionAssert.AreEqual(new[] { "batch_size", $"{TinyEncoder.Heads}", "sequence_length", "sequence_length" }, loaded.DropoutMasks[1].Dims.ToArray());
        var trainingInputs = loaded.TrainingInputs.Select(i => i.Name).ToHashSet();
        foreach (var m in loaded.DropoutMasks)
        {
            Assert.Contains(m.Input, trainingInputs);
            // Masks are fed one byte an element (0 or 1); the graph scales kept elements by 1/(1-p).
            Assert.AreEqual("uint8", loaded.TrainingInputs.Single(i => i.Name == m.Input).ElementType);
            Assert.IsFalse(loaded.EvalInputs.Any(i => i.Name == m.Input), $"eval graph has no dropout ({m.Input})");
        }

        Assert.AreEqual(Sha256(model), loaded.BaseModelSha256);
        Assert.AreEqual(Path.Combine("..", "base", "model.onnx"), loaded.BaseModel);
        CollectionAssert.AreEquivalent(new[] { "vocab.txt", "tokenizer_config.json", "config.json" }, loaded.TokenizerFiles.ToArray());
        Assert.AreEqual(ArtifactRecipe.Default.Hash(loaded.BaseModelSha256), loaded.OptionsHash);
    }

    [TestMethod]
    public void DefaultRecipeOnBertMiniTrains68226Parameters()
    {
        using var temp = new TempFolder();
        var baseModel = RepoPaths.Graphs("bert-mini-uncased", "model_opset17.onnx");
        var manifest = ArtifactBuilder.Build(baseModel, ArtifactRecipe.Default, temp["a"]);

        Assert.AreEqual(68_226L, manifest.TrainableParameterCount);
        Assert.HasCount(4 * 2 * 4 + 2, manifest.Trainable);
        Assert.IsTrue(manifest.Trainable.All(t => t.Name.StartsWith("adapter.", StringComparison.Ordinal) || t.Name.StartsWith("head.", StringComparison.Ordinal)));
        Assert.HasCount(13, manifest.DropoutMasks);
        Assert.AreEqual(Sha256(baseModel), manifest.BaseModelSha256);

        // The prebuilt default folder in the repo is this build (it names the same model, recipe and tensors).
        var prebuilt = ArtifactManifest.Load(RepoPaths.Graphs("bert-mini-uncased", "default"));
        Assert.AreEqual(manifest.OptionsHash, prebuilt.OptionsHash, "graphs/bert-mini-uncased/default is stale: rebuild it");
        CollectionAssert.AreEqual(Describe(manifest.Trainable), Describe(prebuilt.Trainable));
        // Byte for byte, so a generator change that forgot ArtifactBuilder.GeneratorVersion is caught here too.
        foreach (var file in new[] { ArtifactBuilder.TrainingModel, ArtifactBuilder.EvalModel })
            Assert.IsTrue(File.ReadAllBytes(Path.Combine(temp["a"], file)).AsSpan().SequenceEqual(File.ReadAllBytes(RepoPaths.Graphs("bert-mini-uncased", "default", file))),
                $"graphs/bert-mini-uncased/default/{file} differs from a fresh build: rebuild it (ortadapter build --base bert-mini-uncased --out graphs/bert-mini-uncased/default)");
    }

    /// <summary>The manifest's contract says where every fed input comes from and names each loss term's values, as built.</summary>
    [TestMethod]
    public void TheContractGivesEveryFedInputsSourceAndTheLossTerms()
    {
        using var temp = new TempFolder();
        var model = TinyEncoder.Write(temp["base"]);
        ArtifactBuilder.Build(model, ArtifactRecipe.Default, temp["a"]);
        var manifest = ArtifactManifest.Load(temp["a"]);

        var sources = manifest.TrainingInputs.ToDictionary(i => i.Name, i => i.Source);
        foreach (var data in new[] { "input_ids", "attention_mask", "token_type_ids", LossNames.Labels })
            Assert.AreEqual(FeedSource.Data, sources[data], data);
        Assert.AreEqual(FeedSource.LearningRate, sources["learning_rate"]);
        Assert.AreEqual(FeedSource.Step, sources["step"]);
        CollectionAssert.AreEquivalent(manifest.DropoutMasks.Select(m => m.Input).ToList(), sources.Where(s => s.Value == FeedSource.DropoutMask).Select(s => s.Key).ToList());
        CollectionAssert.AreEquivalent(manifest.Trainable.Select(t => t.Name).ToList(), sources.Where(s => s.Value == FeedSource.Trainable).Select(s => s.Key).ToList());
        CollectionAssert.AreEqual(new[] { (1, "loss_weight_1"), (2, "loss_weight_2") },
            manifest.TrainingInputs.Where(i => i.Source == FeedSource.LossWeight).Select(i => (i.Term!.Value, i.Name)).ToArray());
        Assert.IsFalse(manifest.EvalInputs.Any(i => i.Source is FeedSource.DropoutMask or FeedSource.LearningRate or FeedSource.Step), "the eval graph has no dropout or optimizer");
        Assert.IsEmpty(manifest.OptimizerInputs, "fused: the training graph takes the optimizer's scalars");

        CollectionAssert.AreEqual(new[]
        {
            new LossTermContract("ce", "loss_ce", "loss_term_1", "loss_weight_1", 0.9),
            new LossTermContract("supcon", "loss_supcon", "loss_term_2", "loss_weight_2", 0.1),
        }, manifest.LossTerms.ToArray());
        Assert.AreEqual(TaskKind.SingleLabel, manifest.Task);
        Assert.AreEqual(ArtifactRecipe.Default.Hash(manifest.BaseModelSha256), manifest.Recipe.Hash(manifest.BaseModelSha256), "the recipe reads back as built");

        var twice = ArtifactBuilder.Build(model, new ArtifactRecipe { Loss = "0.5*ce+0.5*ce", FuseOptimizer = false }, temp["b"]);
        CollectionAssert.AreEqual(new[] { "loss_ce", "loss_ce_2" }, twice.LossTerms.Select(t => t.Metric).ToArray());
        CollectionAssert.AreEquivalent(new[] { FeedSource.LearningRate, FeedSource.Step, FeedSource.Trainable, FeedSource.OptimizerState, FeedSource.Gradient },
            twice.OptimizerInputs.Select(i => i.Source).Distinct().ToArray());
        Assert.IsFalse(twice.TrainingInputs.Any(i => i.Source is FeedSource.LearningRate or FeedSource.Step));
    }

    /// <summary>A "kd" term reads teacher logits fed per batch (from a data column), like the labels.</summary>
    [TestMethod]
    public void DistillationArtifactsTakeTeacherLogitsAsAnInput()
    {
        using var temp = new TempFolder();
        var model = TinyEncoder.Write(temp["base"]);
        var manifest = ArtifactBuilder.Build(model, new ArtifactRecipe { Loss = "0.5*ce+0.5*kd" }, temp["a"]);
        var teacher = manifest.TrainingInputs.Single(i => i.Name == LossNames.TeacherLogits);
        CollectionAssert.AreEqual(new[] { "batch_size", "2" }, teacher.Dims.ToArray());
        Assert.AreEqual("float", teacher.ElementType);
        Assert.IsFalse(manifest.TrainingInputs.Any(i => i.Name == LossNames.TargetEmbedding), "only what a term needs is declared");
    }

    [TestMethod]
    public void OnlyAdapterAndHeadTensorsGetGradients()
    {
        using var temp = new TempFolder();
        var model = TinyEncoder.Write(temp["base"]);
        var manifest = ArtifactBuilder.Build(model, ArtifactRecipe.Default, temp["a"]);
        var train = new OnnxGraph(ModelFile.Load(Path.Combine(temp["a"], manifest.TrainingModel), loadExternalData: false));
        var trainable = manifest.Trainable.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        var frozen = train.Proto.Initializer.Where(t => t.Dims.Count >= 2).Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        Assert.IsGreaterThan(TinyEncoder.Layers * 6, frozen.Count, "the base weights are initializers of the training graph");
        // Tensors of 1 KiB and more live once in frozen_weights.bin; smaller ones (token-type embeddings here) stay inline.
        Assert.IsTrue(train.Proto.Initializer.Where(t => TensorData.ByteSize(t) >= 1024).All(t => ExternalData.IsExternal(t)), "every large frozen weight lives in frozen_weights.bin");

        // Outputs: the loss, its terms, the grad norm and the updated value and moments of each trainable tensor; nothing else.
        var outputs = train.Proto.Output.Select(o => o.Name).ToList();
        var expected = new HashSet<string>(["loss", "loss_term_1", "loss_term_2", AdamWNames.GradNorm], StringComparer.Ordinal);
        foreach (var p in trainable) expected.UnionWith([AdamWNames.Updated(p), AdamWNames.Updated(AdamWNames.ExpAvg(p)), AdamWNames.Updated(AdamWNames.ExpAvgSq(p))]);
        CollectionAssert.AreEquivalent(expected.ToList(), outputs);

        // No value anywhere is the gradient of a base weight.
        var values = train.Proto.Node.SelectMany(n => n.Output).ToHashSet(StringComparer.Ordinal);
        foreach (var w in train.Proto.Initializer.Select(t => t.Name))
            Assert.IsFalse(values.Contains(AdamWNames.Grad(w)), $"'{w}' is frozen but its gradient is computed");

        // Each forward MatMul with a frozen weight gets at most one product in its gradient scope (dX = dY·Wᵀ, which
        // reads W); dW = Xᵀ·dY would be a second. Adapter and head MatMuls get dW (and dX where something upstream trains).
        var forward = train.Proto.Node.Where(n => n.OpType is OpTypes.MatMul or OpTypes.Gemm && !n.Name.Contains("/grad/", StringComparison.Ordinal)
            && !n.Name.StartsWith("adamw", StringComparison.OrdinalIgnoreCase)).ToList();
        int frozenMatMuls = 0, trainableMatMuls = 0, frozenProducts = 0;
        foreach (var n in forward)
        {
            var products = train.Proto.Node.Where(g => g.Name.StartsWith(n.Name + "/grad/", StringComparison.Ordinal) && g.OpType is OpTypes.MatMul or OpTypes.Gemm).ToList();
            var weight = n.Input[1];
            if (frozen.Contains(weight))
            {
                frozenMatMuls++;
                frozenProducts += products.Count;
                Assert.IsLessThanOrEqualTo(1, products.Count, $"{n.Name} (frozen weight {weight}) has {products.Count} gradient products");
                foreach (var g in products)
                    Assert.IsTrue(ReadsValue(train, g, weight), $"{g.Name}: the only gradient product of a frozen MatMul is dX = dY·Wᵀ");
            }
            else if (trainable.Contains(weight))
            {
                trainableMatMuls++;
                Assert.IsGreaterThanOrEqualTo(1, products.Count, $"{n.Name} trains {weight} but has no gradient product");
            }
        }
        Assert.AreEqual(TinyEncoder.Layers * 6, frozenMatMuls, "Q, K, V, attention output, FFN up and down per layer");
        Assert.IsGreaterThan(0, frozenProducts, "layers above an adapter pass dX back through their frozen MatMuls");
        Assert.AreEqual(TinyEncoder.Layers * 4 + 1, trainableMatMuls, "two adapters (down, up) per layer and the head");
    }

    [TestMethod]
    public void FrozenWeightsFileIsRebuiltIdenticallyWhenMissing()
    {
        using var temp = new TempFolder();
        var model = TinyEncoder.Write(temp["base"]);
        var manifest = ArtifactBuilder.Build(model, ArtifactRecipe.Default, temp["a"]);
        var path = Path.Combine(temp["a"], manifest.FrozenWeights);
        var original = File.ReadAllBytes(path);
        File.Delete(path);
        FrozenWeightsFile.EnsureValid(temp["a"], ArtifactManifest.Load(temp["a"]));
        CollectionAssert.AreEqual(original, File.ReadAllBytes(path));
    }

    [TestMethod]
    public void DamagedFrozenWeightsOfTheSameSizeAreDetectedAndExtractedAgain()
    {
        using var temp = new TempFolder();
        var model = TinyEncoder.Write(temp["base"]);
        var manifest = ArtifactBuilder.Build(model, ArtifactRecipe.Default, temp["a"]);
        var path = Path.Combine(temp["a"], manifest.FrozenWeights);
        var original = File.ReadAllBytes(path);
        var damaged = original.ToArray();
        Array.Clear(damaged, damaged.Length / 4, damaged.Length / 2);
        File.WriteAllBytes(path, damaged);

        var log = new List<string>();
        FrozenWeightsFile.EnsureValid(temp["a"], manifest, log.Add);
        CollectionAssert.AreEqual(original, File.ReadAllBytes(path));
        Assert.HasCount(1, log);
        StringAssert.Contains(log[0], "(damaged)");

        // Without the base model to extract from, a clear error says what to do.
        File.WriteAllBytes(path, damaged);
        File.Move(model, model + ".moved");
        var e = Assert.ThrowsExactly<OnnxFormatException>(() => FrozenWeightsFile.EnsureValid(temp["a"], manifest));
        StringAssert.Contains(e.Message, "is missing or damaged and the base model it is extracted from");
    }

    static List<string> Describe(IEnumerable<TensorSpec> specs) => specs.Select(t => $"{t.Name} {t.ElementType} [{string.Join(",", t.Dims)}]").ToList();

    // Whether the node reads the value directly or through a Transpose.
    static bool ReadsValue(OnnxGraph g, OrtAdapter.Onnx.Protobuf.NodeProto node, string value) =>
        node.Input.Any(i => i == value || g.Producer(i) is { OpType: OpTypes.Transpose } t && t.Input[0] == value);

    static List<string> Files(string folder) =>
        Directory.GetFiles(folder, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(folder, f)).Order(StringComparer.Ordinal).ToList();

    static string Sha256(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));
}

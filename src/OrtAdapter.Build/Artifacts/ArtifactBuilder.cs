using OrtAdapter.Autodiff;
using OrtAdapter.Build.Checkpoints;
using OrtAdapter.Build.Export;
using OrtAdapter.Build.Heads;
using OrtAdapter.Build.Losses;
using OrtAdapter.Build.Optimizer;
using OrtAdapter.Build.Surgery;
using OrtAdapter.Onnx;
using OrtAdapter.Onnx.Protobuf;

namespace OrtAdapter.Build.Artifacts;

/// <summary>
/// Builds an artifacts folder from a base encoder and a recipe: the eval graph (adapters + head + loss), the
/// training graph (the same with fed dropout masks, the backward pass and, fused, AdamW), the shared frozen
/// weights file, the initial checkpoint, the tokenizer files and manifest.json. Written to a temporary sibling
/// folder and renamed into place, so a failed build leaves what was there untouched.
/// </summary>
public static class ArtifactBuilder
{
    /// <summary>
    /// Bumped whenever the same recipe would give other graphs (a gradient rule, pass or optimizer change) while the
    /// manifest's contract stays: part of the cache key. 2: fan-in as Adds; GELU and op-by-op LayerNorm pattern rules;
    /// 3: GELU's gradient recomputes from its input alone.
    /// 4: products whose operands outlive them are recomputed in the backward (Rematerialization); 5: the head's
    /// dropout mask is one byte an element too; 6: a swap of a Transpose's output before a gradient MatMul goes
    /// through a Reshape; 7: AdamW over flat vectors; 8: MatMulLayoutPass and TransposedOperandPattern; 9: the
    /// backward reads a transposed operand from the Transpose's input.
    /// </summary>
    public const int GeneratorVersion = 9;

    public const string TrainingModel = "training_model.onnx", EvalModel = "eval_model.onnx",
        OptimizerModel = "optimizer_model.onnx", FrozenWeights = "frozen_weights.bin", CheckpointFolder = "checkpoint";

    /// <summary>Files copied from the base model's folder when present (tokenizer and model config).</summary>
    public static readonly string[] SideFiles = ["vocab.txt", "vocab.json", "merges.txt", "tokenizer.json", "tokenizer_config.json", "config.json"];

    public static ArtifactManifest Build(string baseModelPath, ArtifactRecipe recipe, string outputFolder)
    {
        // Only an artifacts folder (or an empty one) is replaced: whatever else a folder holds is the user's.
        if (Directory.Exists(outputFolder) && Directory.EnumerateFileSystemEntries(outputFolder).Any() && !File.Exists(Path.Combine(outputFolder, ArtifactManifest.FileName)))
            throw new IOException($"'{outputFolder}' holds files that are not OrtAdapter artifacts (no {ArtifactManifest.FileName}): choose a new or empty folder.");
        var baseSha = FileHash.Sha256(baseModelPath);
        var baseModel = ModelFile.Load(baseModelPath);
        var baseDir = Path.GetDirectoryName(Path.GetFullPath(baseModelPath))!;

        var eval = Assemble(baseModel, recipe, baseDir, training: false, out var evalTrainable, out _, out _);
        var train = Assemble(baseModel, recipe, baseDir, training: true, out var trainable, out var dropoutSites, out var loss);
        if (!trainable.SequenceEqual(evalTrainable))
            throw new InvalidOperationException("Training and eval graphs disagree on the trainable tensors; the surgery is not deterministic.");

        // The base's own inputs (input_ids, attention_mask[, token_type_ids]) are fed from the batch.
        var dataInputs = new OnnxGraph(baseModel).RuntimeInputs.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        var initial = trainable.Select(name => train.Initializer(name)!.Clone()).ToList();
        foreach (var g in new[] { train, eval }) PromoteToInputs(g, trainable);

        var grads = GradientBuilder.Build(train, LossNames.Loss, trainable);
        ModelProto? optimizer = null;
        if (recipe.FuseOptimizer)
        {
            AdamWGraph.AppendTo(train, grads.Gradients, recipe.OptimizerOptions);
            RemoveOutputs(train, o => o.EndsWith(AdamWNames.GradSuffix, StringComparison.Ordinal) || o is HeadNames.Logits or HeadNames.Pooled);
        }
        else
        {
            // Ordinal order, as the fused AppendTo sums the norm: the two paths then round identically.
            optimizer = AdamWGraph.Build(initial.OrderBy(t => t.Name, StringComparer.Ordinal).Select(t => (t.Name, t.Dims.ToArray())).ToList(), recipe.OptimizerOptions, Math.Max(train.OpsetVersion(), AdamWGraph.MinOpset));
        }
        // After the gradients: they are derived from the float graph, then forward and input-gradient MatMuls by
        // frozen weights are quantized alike.
        if (recipe.BasePrecision == BasePrecision.Int8) Int8MatMulPass.Apply(train, transposedWeights: true);
        train.CleanupAndSort();
        eval.CleanupAndSort();
        GraphValidator.ThrowIfInvalid(train, TrainingModel);
        GraphValidator.ThrowIfInvalid(eval, EvalModel);

        var temp = outputFolder.TrimEnd('/', '\\') + ".building";
        if (Directory.Exists(temp)) Directory.Delete(temp, recursive: true);
        Directory.CreateDirectory(temp);
        try
        {
            FrozenWeightsFile.Write(Path.Combine(temp, FrozenWeights), baseModel, train, eval);
            ModelFile.Save(train.Model, Path.Combine(temp, TrainingModel));
            ModelFile.Save(eval.Model, Path.Combine(temp, EvalModel));
            if (optimizer is not null) ModelFile.Save(optimizer, Path.Combine(temp, OptimizerModel));
            WriteInitialCheckpoint(Path.Combine(temp, CheckpointFolder), initial, recipe);
            var sideFiles = SideFiles.Where(f => File.Exists(Path.Combine(baseDir, f))).ToList();
            foreach (var f in sideFiles) File.Copy(Path.Combine(baseDir, f), Path.Combine(temp, f));

            var manifest = new ArtifactManifest
            {
                BaseModel = Path.GetRelativePath(Path.GetFullPath(outputFolder), Path.GetFullPath(baseModelPath)),
                BaseModelSha256 = baseSha,
                Opset = train.OpsetVersion(),
                TokenizerFiles = sideFiles,
                OptionsHash = recipe.Hash(baseSha),
                Recipe = recipe,
                Task = recipe.Task,
                NumLabels = recipe.NumLabels,
                LossTerms = FeedContract.LossTerms(recipe.LossTerms, loss),
                TrainingModel = TrainingModel,
                EvalModel = EvalModel,
                OptimizerModel = optimizer is null ? null : OptimizerModel,
                OptimizerFused = recipe.FuseOptimizer,
                FrozenWeights = FrozenWeights,
                FrozenWeightsSha256 = FileHash.Sha256(Path.Combine(temp, FrozenWeights)),
                Checkpoint = CheckpointFolder,
                Trainable = initial.Select(t => new TensorSpec(t.Name, DataTypes.Name(t.DataType), t.Dims.Select(d => d.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList())).ToList(),
                DropoutMasks = dropoutSites.Select(s => new DropoutMaskSpec(s.MaskInput, s.Dims, s.Rate)).ToList(),
                TrainingInputs = FeedContract.Inputs(train, dataInputs, trainable, dropoutSites, loss, TrainingModel),
                TrainingOutputs = Specs(train, train.Proto.Output),
                EvalInputs = FeedContract.Inputs(eval, dataInputs, trainable, [], loss, EvalModel),
                EvalOutputs = Specs(eval, eval.Proto.Output),
                OptimizerInputs = optimizer is null ? [] : FeedContract.Inputs(new OnnxGraph(optimizer), [], trainable, [], loss, OptimizerModel),
            };
            manifest.Save(temp);
            ReplaceFolder(temp, outputFolder);
            return manifest;
        }
        catch
        {
            if (Directory.Exists(temp)) Directory.Delete(temp, recursive: true);
            throw;
        }
    }

    /// <summary>Base encoder + adapters (+ dropout when training) + pooling/head + the weighted loss.</summary>
    static OnnxGraph Assemble(ModelProto baseModel, ArtifactRecipe recipe, string baseDir, bool training,
        out List<string> trainable, out IReadOnlyList<DropoutSite> dropoutSites, out ComposedLoss loss)
    {
        var graph = new OnnxGraph(baseModel.Clone());
        var structure = EncoderStructure.Find(graph);
        var adapters = recipe.Adapter.Insert(graph, structure, recipe.Seed);
        dropoutSites = training ? new DropoutPass(DropoutRates(recipe, baseDir)).Apply(graph, structure, adapters.DropoutPoints) : [];
        var head = TaskHeadPass.Apply(graph, new TaskHeadOptions
        {
            Task = recipe.Task, Outputs = recipe.NumLabels, Pooling = recipe.Pooling, Seed = recipe.Seed,
            Dropout = training ? recipe.HeadDropout : 0,
        });
        if (training && head.DropoutMask is { } headMask)
            dropoutSites = [.. dropoutSites, new DropoutSite(headMask, DeclaredDims(graph, headMask), (float)recipe.HeadDropout, head.Pooled)];
        // Teacher logits and target embeddings are fed per batch from the data (declared only when a term needs them).
        loss = LossComposer.Apply(graph, new LossComposerOptions
        {
            Terms = recipe.LossTerms, Task = recipe.Task, TeacherLogits = LossNames.TeacherLogits, TargetEmbedding = LossNames.TargetEmbedding,
        });
        trainable = [.. adapters.TrainableInitializers, .. head.Trainable];
        MatMulLayoutPass.Apply(graph);
        return graph;
    }

    static string[] DeclaredDims(OnnxGraph graph, string input) =>
        TensorType.From(graph.Proto.Input.First(i => i.Name == input).Type)?.Shape?.Select(d => d.ToString()).ToArray()
        ?? throw new InvalidOperationException($"Dropout mask input '{input}' has no declared shape.");

    static DropoutOptions DropoutRates(ArtifactRecipe recipe, string baseDir)
    {
        var config = Path.Combine(baseDir, "config.json");
        var fromConfig = File.Exists(config) ? DropoutOptions.FromConfig(config) : new DropoutOptions();
        return new DropoutOptions
        {
            HiddenRate = recipe.HiddenDropout ?? fromConfig.HiddenRate,
            AttentionRate = recipe.AttentionDropout ?? fromConfig.AttentionRate,
        };
    }

    /// <summary>Trainable tensors become graph inputs, so the trainer binds device-resident buffers to them.</summary>
    static void PromoteToInputs(OnnxGraph graph, IReadOnlyList<string> trainable)
    {
        foreach (var name in trainable)
        {
            var t = graph.Initializer(name)!;
            graph.RemoveInitializer(name);
            graph.Proto.Input.Add(new ValueInfoProto { Name = name, Type = TensorType.From(t).ToTypeProto() });
        }
        graph.Invalidate();
    }

    static void RemoveOutputs(OnnxGraph graph, Func<string, bool> drop)
    {
        foreach (var o in graph.Proto.Output.Where(o => drop(o.Name)).ToList()) graph.Proto.Output.Remove(o);
        graph.Invalidate();
    }

    static void WriteInitialCheckpoint(string folder, IReadOnlyList<TensorProto> initial, ArtifactRecipe recipe)
    {
        var tensors = new Dictionary<string, SafeTensor>(StringComparer.Ordinal);
        foreach (var t in initial)
        {
            tensors[t.Name] = SafeTensor.FromOnnx(t);
            var zeros = new float[TensorData.ElementCount(t.Dims)];
            tensors[AdamWNames.ExpAvg(t.Name)] = SafeTensor.Create<float>(zeros, [.. t.Dims]);
            tensors[AdamWNames.ExpAvgSq(t.Name)] = SafeTensor.Create<float>(zeros, [.. t.Dims]);
        }
        Checkpoint.Save(folder, new CheckpointData
        {
            Tensors = tensors,
            State = new CheckpointState { Step = 0, Epoch = 0, Options = System.Text.Json.JsonSerializer.SerializeToNode(recipe, ArtifactManifest.Json) },
        });
    }

    static List<TensorSpec> Specs(OnnxGraph graph, IEnumerable<ValueInfoProto> values)
    {
        var types = ShapeInference.Infer(graph);
        return values.Select(v => TensorSpec.From(v.Name, TensorType.From(v.Type) ?? types.GetValueOrDefault(v.Name) ?? new TensorType(0, null))).ToList();
    }

    /// <summary>Moves the finished build into place; the previous folder is kept until the new one is there.</summary>
    static void ReplaceFolder(string built, string target)
    {
        var old = target.TrimEnd('/', '\\') + ".previous";
        if (Directory.Exists(old)) Directory.Delete(old, recursive: true);
        if (Directory.Exists(target)) Directory.Move(target, old);
        Directory.Move(built, target);
        if (Directory.Exists(old)) Directory.Delete(old, recursive: true);
    }
}

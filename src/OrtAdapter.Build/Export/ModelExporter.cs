using Google.Protobuf;
using OrtAdapter.Build.Artifacts;
using OrtAdapter.Build.Checkpoints;
using OrtAdapter.Onnx;
using OrtAdapter.Onnx.Protobuf;

namespace OrtAdapter.Build.Export;

/// <summary>
/// <c>ortadapter export</c> and <c>ortadapter attach</c>. Export: a run / checkpoint + its artifacts → a lean
/// inference model (<see cref="LeanModel"/>) and the adapter-only file. Attach: a base model + an adapter file →
/// the same lean model, by rebuilding the artifacts' eval graph from the recipe the file records (the builder's
/// own assembly path) and running the same lean export. Everything is computed before anything is written; files
/// appear whole (temporary siblings renamed into place) or not at all.
/// </summary>
public static class ModelExporter
{
    public static ExportResult Export(string runOrCheckpoint, string outputPath, ExportOptions? options = null, string? artifactsFolder = null)
    {
        options ??= ExportOptions.Default;
        var source = ExportSource.Resolve(runOrCheckpoint, artifactsFolder);
        var manifest = source.Manifest;
        FrozenWeightsFile.EnsureValid(source.ArtifactsFolder, manifest);
        var metadata = InferenceMetadata.Create(source.ArtifactsFolder, manifest, source.Labels, source.SummaryJson, source.MaxLength);
        var eval = OnnxGraph.Load(Path.Combine(source.ArtifactsFolder, manifest.EvalModel));
        var trainable = manifest.Trainable.Select(t => t.Name).ToList();
        var model = LeanModel.Build(eval, trainable, source.Tensors, metadata, options, Path.Combine(source.CheckpointFolder, Checkpoint.WeightsFile));
        var adapter = options.WriteAdapterFile ? AdapterFile.ToBytes(source.Tensors, metadata) : null;
        return Write(model, outputPath, adapter, options.Overwrite);
    }

    /// <summary>Rebuilds the lean model of <paramref name="adapterFile"/> on <paramref name="baseModel"/>, which must be the base it was trained on.</summary>
    public static ExportResult Attach(string baseModel, string adapterFile, string outputPath, ExportOptions? options = null)
    {
        options ??= ExportOptions.Default;
        var (tensors, metadata) = AdapterFile.Read(adapterFile);
        if (!File.Exists(baseModel)) throw new ExportException($"{baseModel}: base model not found.");
        var sha = FileHash.Sha256(baseModel);
        var expected = metadata[InferenceMetadata.BaseModelSha256];
        if (sha != expected)
            throw new ExportException($"{baseModel}: SHA-256 {sha} differs from {expected}, the base model {adapterFile} was trained on; attach it to that model.");

        var recipe = metadata.ReadRecipe();
        var scratch = Path.Combine(Path.GetTempPath(), $"ortadapter-attach-{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            var manifest = ArtifactBuilder.Build(baseModel, recipe, scratch);
            var eval = OnnxGraph.Load(Path.Combine(scratch, manifest.EvalModel));
            var trainable = manifest.Trainable.Select(t => t.Name).ToList();
            var extra = tensors.Keys.Except(trainable).ToList();
            if (extra.Count > 0) throw new ExportException($"{adapterFile}: tensor '{extra[0]}' is not a trainable tensor of the recipe it records.");
            var model = LeanModel.Build(eval, trainable, tensors, metadata, options, adapterFile);
            return Write(model, outputPath, adapter: null, options.Overwrite);
        }
        finally
        {
            if (Directory.Exists(scratch)) Directory.Delete(scratch, recursive: true);
        }
    }

    /// <summary>
    /// Writes the model (and the adapter file) to temporary siblings, flushed, then renames both into place one right
    /// after the other. An existing file is replaced only when the options say so.
    /// </summary>
    static ExportResult Write(ModelProto model, string outputPath, byte[]? adapter, bool overwrite)
    {
        var modelPath = Path.GetFullPath(outputPath);
        var adapterPath = adapter is null ? null : AdapterFile.PathFor(modelPath);
        if (!overwrite && new[] { modelPath, adapterPath }.FirstOrDefault(File.Exists) is { } existing)
            throw new ExportException($"{existing} already exists: give --overwrite to replace it, or another --out.");
        if (Directory.Exists(modelPath)) throw new ExportException($"--out {outputPath} is a folder; give a file name such as {Path.Combine(outputPath, "model.onnx")}.");
        var modelTemp = AtomicFile.TempPathFor(modelPath);
        var adapterTemp = adapterPath is null ? null : AtomicFile.TempPathFor(adapterPath);
        try
        {
            // Under 2 GiB the weights stay inline; above, ModelFile.Save needs a data file named after the real model.
            if (model.CalculateSize() >= ModelFile.ProtobufLimitBytes - (1 << 20))
                ModelFile.Save(model, modelTemp, new SaveOptions { ExternalDataFileName = Path.GetFileName(modelPath) + ".data" });
            else
                AtomicFile.WriteDurable(modelTemp, s => model.WriteTo(s));
            if (adapterTemp is not null) AtomicFile.WriteDurable(adapterTemp, s => s.Write(adapter));
            File.Move(modelTemp, modelPath, overwrite: true);
            if (adapterTemp is not null) File.Move(adapterTemp, adapterPath!, overwrite: true);
        }
        finally
        {
            if (File.Exists(modelTemp)) File.Delete(modelTemp);
            if (adapterTemp is not null && File.Exists(adapterTemp)) File.Delete(adapterTemp);
        }
        return new ExportResult(modelPath, new FileInfo(modelPath).Length, adapterPath, adapter?.Length ?? 0,
            model.Graph.Node.Count, model.Graph.Initializer.Count);
    }
}

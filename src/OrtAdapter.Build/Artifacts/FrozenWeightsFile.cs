using OrtAdapter.Onnx;
using OrtAdapter.Onnx.Protobuf;

namespace OrtAdapter.Build.Artifacts;

/// <summary>
/// frozen_weights.bin holds the base model's weights once for an artifacts folder. It is derived data: when it is
/// missing (the prebuilt folder in git leaves it out to keep the repo small) or no longer has the SHA-256 the manifest
/// recorded at build time (damaged), it is rebuilt byte for byte from the base model the manifest names, after
/// checking that model's SHA-256, at the offsets the graphs record.
/// </summary>
public static class FrozenWeightsFile
{
    /// <summary>Makes sure the folder's frozen weights are there and intact (hashed on every call: ~0.1 s for MiniLM's 86 MB).</summary>
    public static void EnsureValid(string folder, ArtifactManifest manifest, Action<string>? log = null)
    {
        var path = Path.Combine(folder, manifest.FrozenWeights);
        if (File.Exists(path))
        {
            if (manifest.FrozenWeightsSha256 is not { } expected || FileHash.Sha256(path) == expected) return;
            log?.Invoke($"{path} does not have the SHA-256 its manifest recorded (damaged): extracting it again from the base model");
        }
        else log?.Invoke($"extracting the frozen weights into {path} from the base model (first use)");
        Extract(folder, manifest, path);
        if (manifest.FrozenWeightsSha256 is { } recorded && FileHash.Sha256(path) is var actual && actual != recorded)
            throw new OnnxFormatException($"{path}: extracted from the base model, its SHA-256 {actual[..12]}… still differs from the manifest's {recorded[..12]}…; " +
                $"the artifacts in {folder} are inconsistent: rebuild them (ortadapter build).");
    }

    static void Extract(string folder, ArtifactManifest manifest, string path)
    {
        var basePath = Path.GetFullPath(Path.Combine(folder, manifest.BaseModel));
        if (!File.Exists(basePath))
            throw new OnnxFormatException($"{path} is missing or damaged and the base model it is extracted from, {basePath}, is not there: " +
                "fetch or restore that model (a known base is fetched by 'ortadapter build --base NAME'), or rebuild the artifacts.");
        var sha = FileHash.Sha256(basePath);
        if (sha != manifest.BaseModelSha256)
            throw new OnnxFormatException($"{basePath}: SHA-256 {sha} differs from the {manifest.BaseModelSha256} the artifacts in {folder} were built from; rebuild them.");
        var weights = ModelFile.Load(basePath).Graph.Initializer.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var slots = new SortedDictionary<long, (string Name, long Length)>();
        foreach (var graphFile in new[] { manifest.TrainingModel, manifest.EvalModel })
            foreach (var t in ModelFile.Load(Path.Combine(folder, graphFile), loadExternalData: false).Graph.Initializer.Where(ExternalData.IsExternal))
            {
                var (offset, length) = ExternalData.Range(t);
                slots[offset] = (t.Name, length);
            }
        AtomicFile.Write(path, stream =>
        {
            foreach (var (offset, (name, length)) in slots)
            {
                var bytes = weights.TryGetValue(name, out var t) ? TensorData.RawBytes(t)
                    : throw new OnnxFormatException($"{basePath}: has no initializer '{name}', which {manifest.TrainingModel} takes from it.");
                if (bytes.Length != length) throw new OnnxFormatException($"{basePath}: '{name}' has {bytes.Length} bytes, the artifacts expect {length}.");
                stream.Write(new byte[offset - stream.Position]);
                stream.Write(bytes.Span);
            }
        });
    }

    /// <summary>Writes the named base-model tensors once (64-byte aligned) and points every graph's copy at them.</summary>
    public static void Write(string path, ModelProto baseModel, params OnnxGraph[] graphs)
    {
        var frozen = baseModel.Graph.Initializer.Where(t => TensorData.ByteSize(t) >= 1024 && graphs.Any(g => g.IsInitializer(t.Name))).ToList();
        var offsets = new Dictionary<string, (long Offset, long Length)>(StringComparer.Ordinal);
        AtomicFile.Write(path, stream =>
        {
            foreach (var tensor in frozen)
            {
                var bytes = TensorData.RawBytes(tensor);
                stream.Write(new byte[(64 - stream.Position % 64) % 64]);
                offsets[tensor.Name] = (stream.Position, bytes.Length);
                stream.Write(bytes.Span);
            }
        });
        var location = Path.GetFileName(path);
        foreach (var g in graphs)
            foreach (var (name, (offset, length)) in offsets)
                if (g.Initializer(name) is { } t) ExternalData.PointAt(t, location, offset, length);
    }
}

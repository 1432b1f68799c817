using OrtAdapter.Build.Optimizer;
using OrtAdapter.Onnx;

namespace OrtAdapter.Build.Checkpoints;

/// <summary>
/// A checkpoint folder: <c>weights.safetensors</c> (trainable tensors and their AdamW state) and <c>state.json</c>.
/// Saving builds the new folder beside the old one and swaps them by renames, so a crash or a failing writer
/// never leaves a half-written checkpoint and the previous one stays until the new one is complete.
/// </summary>
public static class Checkpoint
{
    public const string WeightsFile = "weights.safetensors", StateFile = "state.json";

    /// <summary>
    /// Writes <paramref name="data"/> to <paramref name="directory"/>, replacing a checkpoint there.
    /// <paramref name="writeExtra"/> may add files (it receives the folder being built); if it throws, nothing changes.
    /// One writer per folder at a time.
    /// </summary>
    public static void Save(string directory, CheckpointData data, Action<string>? writeExtra = null)
    {
        var (target, staging, previous) = Paths(directory);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        RestoreInterrupted(target, previous);
        if (Directory.Exists(target) && !IsCheckpointOrEmpty(target))
            throw new CheckpointException($"{target}: refusing to replace a folder that is not a checkpoint (no {WeightsFile} or {StateFile}).");

        // Refuse to write what Load would reject.
        CheckOptimizerState(data.Tensors, Path.Combine(target, WeightsFile));
        if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
        Directory.CreateDirectory(staging);
        try
        {
            var weights = Path.Combine(staging, WeightsFile);
            SafeTensors.Write(weights, data.Tensors, new Dictionary<string, string> { ["format"] = "ortadapter-checkpoint" });
            AtomicFile.WriteAllText(Path.Combine(staging, StateFile), CheckpointStateJson.Write(data.State, FileHash.Sha256(weights)));
            writeExtra?.Invoke(staging);
        }
        catch
        {
            Directory.Delete(staging, recursive: true);
            throw;
        }

        // Two renames: between them only the previous folder exists, and RestoreInterrupted / Load fall back on it.
        if (Directory.Exists(previous)) Directory.Delete(previous, recursive: true);
        if (Directory.Exists(target)) Directory.Move(target, previous);
        Directory.Move(staging, target);
        if (Directory.Exists(previous)) Directory.Delete(previous, recursive: true);
    }

    /// <summary>Reads and validates a checkpoint; faults are exceptions naming the file and what is wrong.</summary>
    public static CheckpointData Load(string directory)
    {
        var (target, _, previous) = Paths(directory);
        // A save interrupted between its two renames leaves the complete previous checkpoint beside the folder.
        if (!Directory.Exists(target) && Directory.Exists(previous)) target = previous;
        if (!Directory.Exists(target)) throw new CheckpointException($"{target}: checkpoint folder not found.");

        var weightsPath = Path.Combine(target, WeightsFile);
        if (!File.Exists(weightsPath)) throw new CheckpointException($"{weightsPath}: missing file.");
        var state = CheckpointStateJson.Read(Path.Combine(target, StateFile));
        if (state.WeightsSha256 is { } expected && FileHash.Sha256(weightsPath) is var actual && actual != expected)
            throw new CheckpointException($"{weightsPath}: SHA-256 {actual[..12]}… differs from the {expected[..12]}… that {StateFile} recorded when it was saved: " +
                "the file was damaged or changed. Use the run's other checkpoint (checkpoint-best or checkpoint-last) or train again.");
        var weights = SafeTensors.Read(weightsPath);
        CheckOptimizerState(weights.Tensors, weightsPath);
        return new CheckpointData { Tensors = weights.Tensors, State = state };
    }

    /// <summary>Whether a loadable checkpoint exists there (or its previous copy after an interrupted save).</summary>
    public static bool Exists(string directory)
    {
        var (target, _, previous) = Paths(directory);
        return File.Exists(Path.Combine(target, StateFile)) || File.Exists(Path.Combine(previous, StateFile));
    }

    /// <summary>Every <c>p.exp_avg</c> / <c>p.exp_avg_sq</c> belongs to a tensor <c>p</c> of the same dtype and shape.</summary>
    static void CheckOptimizerState(IReadOnlyDictionary<string, SafeTensor> tensors, string path)
    {
        foreach (var (name, tensor) in tensors)
        {
            var suffix = name.EndsWith(AdamWNames.ExpAvgSuffix, StringComparison.Ordinal) ? AdamWNames.ExpAvgSuffix
                : name.EndsWith(AdamWNames.ExpAvgSqSuffix, StringComparison.Ordinal) ? AdamWNames.ExpAvgSqSuffix : null;
            if (suffix is null) continue;
            var parameter = name[..^suffix.Length];
            if (!tensors.TryGetValue(parameter, out var p))
                throw new CheckpointException($"{path}: optimizer state '{name}' has no parameter '{parameter}'.");
            if (p.DType != tensor.DType || !p.Shape.SequenceEqual(tensor.Shape))
                throw new CheckpointException(
                    $"{path}: optimizer state '{name}' is {SafeTensorDTypes.Name(tensor.DType)}[{string.Join(", ", tensor.Shape)}] but parameter '{parameter}' is {SafeTensorDTypes.Name(p.DType)}[{string.Join(", ", p.Shape)}] (shape mismatch).");
        }
    }

    static (string Target, string Staging, string Previous) Paths(string directory)
    {
        var target = Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory));
        var parent = Path.GetDirectoryName(target) ?? throw new ArgumentException($"'{directory}' has no parent folder to build a checkpoint in.", nameof(directory));
        var name = Path.GetFileName(target);
        return (target, Path.Combine(parent, $".{name}.saving"), Path.Combine(parent, $".{name}.previous"));
    }

    static void RestoreInterrupted(string target, string previous)
    {
        if (!Directory.Exists(target) && Directory.Exists(previous)) Directory.Move(previous, target);
    }

    static bool IsCheckpointOrEmpty(string folder) =>
        !Directory.EnumerateFileSystemEntries(folder).Any()
        || File.Exists(Path.Combine(folder, WeightsFile)) || File.Exists(Path.Combine(folder, StateFile));
}

using System.Text.Json.Nodes;

namespace OrtAdapter.Build.Checkpoints;

/// <summary>The non-tensor part of a checkpoint (<c>state.json</c>): where training stands and how it was set up.</summary>
public sealed class CheckpointState
{
    /// <summary>Optimizer steps taken (the AdamW <c>step</c> input of the last update). Default 0.</summary>
    public long Step { get; init; }

    /// <summary>Epochs completed. Default 0.</summary>
    public int Epoch { get; init; }

    /// <summary>Best evaluation metric so far, or null before the first evaluation.</summary>
    public double? BestMetric { get; init; }

    /// <summary>The run's options as the trainer serialises them (any JSON), or null.</summary>
    public JsonNode? Options { get; init; }

    /// <summary>
    /// SHA-256 of weights.safetensors as saved (lower-case hex); <see cref="Checkpoint.Load"/> checks the file against it.
    /// Set by <see cref="Checkpoint.Save"/> (a value given to Save is ignored); null in checkpoints saved before it existed.
    /// </summary>
    public string? WeightsSha256 { get; init; }

    /// <summary>Anything else the trainer needs to resume exactly (data order, RNG state), as strings. Written sorted by key.</summary>
    public IReadOnlyDictionary<string, string> Extra { get; init; } = new Dictionary<string, string>();
}

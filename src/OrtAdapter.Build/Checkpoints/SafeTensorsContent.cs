namespace OrtAdapter.Build.Checkpoints;

/// <summary>What a safetensors file holds: tensors by name (in ordinal name order) and the string metadata.</summary>
public sealed record SafeTensorsContent(IReadOnlyDictionary<string, SafeTensor> Tensors, IReadOnlyDictionary<string, string> Metadata);

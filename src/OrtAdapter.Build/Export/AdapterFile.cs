using OrtAdapter.Build.Checkpoints;

namespace OrtAdapter.Build.Export;

/// <summary>
/// The adapter-only file <c>&lt;name&gt;.adapter.safetensors</c>: the trained adapter and head tensors (no optimizer
/// state) and, as safetensors metadata, the <see cref="InferenceMetadata"/> (recipe, base model SHA-256, labels,
/// tokenizer files). With the base model it is everything <see cref="ModelExporter.Attach"/> needs.
/// </summary>
public static class AdapterFile
{
    public const string Extension = ".adapter.safetensors";
    public const string FormatKey = "format", Format = "ortadapter-adapter";

    /// <summary><c>dir/model.onnx</c> → <c>dir/model.adapter.safetensors</c>.</summary>
    public static string PathFor(string modelPath)
    {
        var full = Path.GetFullPath(modelPath);
        var name = Path.GetFileName(full);
        if (name.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase)) name = name[..^".onnx".Length];
        return Path.Combine(Path.GetDirectoryName(full)!, name + Extension);
    }

    public static byte[] ToBytes(IReadOnlyDictionary<string, SafeTensor> tensors, InferenceMetadata metadata)
    {
        var meta = new Dictionary<string, string>(metadata.Properties, StringComparer.Ordinal) { [FormatKey] = Format };
        return SafeTensors.ToBytes(tensors, meta);
    }

    /// <summary>Reads an adapter file; a missing, corrupt or foreign file is an <see cref="ExportException"/> naming it.</summary>
    public static (IReadOnlyDictionary<string, SafeTensor> Tensors, InferenceMetadata Metadata) Read(string path)
    {
        if (!File.Exists(path)) throw new ExportException($"{path}: adapter file not found.");
        SafeTensorsContent content;
        try { content = SafeTensors.Read(path); }
        catch (SafeTensorsException e) { throw new ExportException($"{e.Message} (not a readable adapter file)", e); }
        if (content.Metadata.GetValueOrDefault(FormatKey) != Format)
            throw new ExportException($"{path}: metadata '{FormatKey}' is '{content.Metadata.GetValueOrDefault(FormatKey)}', not '{Format}'; not an OrtAdapter adapter file.");
        return (content.Tensors, InferenceMetadata.FromProperties(content.Metadata, path));
    }
}

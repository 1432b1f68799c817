using Google.Protobuf;
using OrtAdapter.Onnx.Protobuf;

namespace OrtAdapter.Onnx;

/// <summary>Reads and writes ONNX model files, including tensors stored in external data files.</summary>
public static class ModelFile
{
    /// <summary>Protobuf messages cannot exceed 2 GiB; models larger than this are saved with external data.</summary>
    public const long ProtobufLimitBytes = int.MaxValue;

    /// <summary>
    /// Loads a model. External tensors are read into memory unless <paramref name="loadExternalData"/> is false,
    /// in which case they keep their references (paths relative to the model's folder).
    /// </summary>
    public static ModelProto Load(string path, bool loadExternalData = true)
    {
        if (!File.Exists(path)) throw new OnnxFormatException($"{path}: file not found.");
        ModelProto model;
        try
        {
            using var stream = File.OpenRead(path);
            model = ModelProto.Parser.ParseFrom(stream);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new OnnxFormatException($"{path}: not a readable ONNX model (truncated or not protobuf): {e.Message}", e);
        }
        CheckLooksLikeOnnx(model, path);
        if (loadExternalData) ExternalData.LoadAll(model, Path.GetDirectoryName(Path.GetFullPath(path))!, path);
        return model;
    }

    /// <summary>Parses a model from bytes (tests, embedded models); external data must already be inline.</summary>
    public static ModelProto Parse(ReadOnlySpan<byte> bytes, string origin = "<memory>")
    {
        ModelProto model;
        try { model = ModelProto.Parser.ParseFrom(bytes); }
        catch (InvalidProtocolBufferException e)
        {
            throw new OnnxFormatException($"{origin}: not a readable ONNX model: {e.Message}", e);
        }
        CheckLooksLikeOnnx(model, origin);
        return model;
    }

    /// <summary>
    /// Saves a model atomically (temp file, then rename). Tensors go to an external data file when
    /// <see cref="SaveOptions.ExternalDataFileName"/> is set or when the model would pass the protobuf limit.
    /// The caller's model is not modified.
    /// </summary>
    public static void Save(ModelProto model, string path, SaveOptions? options = null)
    {
        options ??= SaveOptions.Default;
        var dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(dir);
        var toWrite = model;
        string? dataFile = options.ExternalDataFileName;
        if (dataFile is null && model.CalculateSize() >= ProtobufLimitBytes - (1 << 20)) dataFile = Path.GetFileName(path) + ".data";
        if (dataFile is not null)
        {
            toWrite = model.Clone();
            ExternalData.WriteAll(toWrite, dir, dataFile, options.ExternalDataThresholdBytes);
        }
        AtomicFile.Write(path, stream => toWrite.WriteTo(stream));
    }

    /// <summary>Serialized bytes of a model whose tensors are all inline (for InferenceSession(byte[])).</summary>
    public static byte[] ToBytes(ModelProto model) => model.ToByteArray();

    static void CheckLooksLikeOnnx(ModelProto model, string origin)
    {
        // Random bytes can parse as a protobuf message; a model has an IR version, opsets and a graph.
        if (model.IrVersion <= 0 || model.Graph is null || model.OpsetImport.Count == 0)
            throw new OnnxFormatException(
                $"{origin}: not an ONNX model (ir_version={model.IrVersion}, graph={(model.Graph is null ? "missing" : "present")}, opset_import count={model.OpsetImport.Count}).");
    }
}

/// <summary>How <see cref="ModelFile.Save"/> lays out tensors.</summary>
public sealed class SaveOptions
{
    public static readonly SaveOptions Default = new();

    /// <summary>File name (beside the model) for external tensor data; null keeps tensors inline unless the model passes 2 GiB.</summary>
    public string? ExternalDataFileName { get; init; }

    /// <summary>Tensors smaller than this stay inline even when external data is used. Default 1024 bytes.</summary>
    public long ExternalDataThresholdBytes { get; init; } = 1024;
}

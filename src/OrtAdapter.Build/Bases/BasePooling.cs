using System.Text.Json;
using OrtAdapter.Build.Heads;

namespace OrtAdapter.Build.Bases;

/// <summary>The pooling a base was trained for, where it is known: a known name's, or sentence-transformers' files.</summary>
public static class BasePooling
{
    /// <summary>
    /// For a known name, its pooling; for a model file, sentence-transformers' <c>1_Pooling/config.json</c> in its folder
    /// or the folder above (exports put the model in <c>onnx/</c>): CLS or mean tokens; else null (the caller's default).
    /// </summary>
    /// <exception cref="InvalidDataException">The pooling config is not JSON or asks for a mode OrtAdapter lacks; the message names the file.</exception>
    public static PoolingKind? Of(string nameOrPath)
    {
        if (KnownBases.Find(nameOrPath) is { } known) return known.Pooling;
        var folder = Path.GetDirectoryName(Path.GetFullPath(nameOrPath));
        foreach (var candidate in new[] { folder, Path.GetDirectoryName(folder) })
        {
            var config = candidate is null ? null : Path.Combine(candidate, "1_Pooling", "config.json");
            if (config is not null && File.Exists(config)) return Read(config);
        }
        return null;
    }

    static PoolingKind Read(string path)
    {
        try
        {
            using var json = JsonDocument.Parse(File.ReadAllText(path));
            bool On(string key) => json.RootElement.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.True;
            if (On("pooling_mode_cls_token")) return PoolingKind.Cls;
            if (On("pooling_mode_mean_tokens")) return PoolingKind.Mean;
            throw new InvalidDataException($"{path}: asks for a pooling other than CLS or mean tokens; pass --pooling mean|cls.");
        }
        catch (JsonException e) { throw new InvalidDataException($"{path}: not valid JSON ({e.Message}).", e); }
    }
}

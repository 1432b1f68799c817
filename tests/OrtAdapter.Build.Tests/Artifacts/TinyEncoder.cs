using OrtAdapter.Bench.Encoders;
using OrtAdapter.Onnx;
using OrtAdapter.Onnx.Protobuf;

namespace OrtAdapter.Build.Tests.Artifacts;

/// <summary>
/// A 2-layer, 32-wide synthetic BERT export (bert-mini's vocabulary size) saved with copies of bert-mini's tokenizer
/// and config files, so artifacts build and train in well under a second.
/// </summary>
static class TinyEncoder
{
    public const int Layers = 2, Hidden = 32, Heads = 2, Intermediate = 64;

    public static SyntheticEncoderOptions Options => WithStd(0.02f);

    public static SyntheticEncoderOptions WithStd(float std) => new()
    {
        InitStd = std,
        Layers = Layers, Hidden = Hidden, Heads = Heads, Intermediate = Intermediate, VocabSize = 8010, MaxPositions = 128,
        Opset = 17, DeduplicateInitializers = false, Seed = 7,
    };

    /// <summary>Writes model.onnx (optionally edited) and the tokenizer files into <paramref name="folder"/>; returns the model's path.</summary>
    public static string Write(string folder, Action<OnnxGraph>? edit = null, SyntheticEncoderOptions? options = null)
    {
        Directory.CreateDirectory(folder);
        var model = SyntheticEncoder.Create(options ?? Options);
        if (edit is not null)
        {
            var graph = new OnnxGraph(model);
            edit(graph);
            model = graph.Model;
        }
        var path = Path.Combine(folder, "model.onnx");
        ModelFile.Save(model, path);
        foreach (var f in (string[])["vocab.txt", "tokenizer_config.json", "config.json"])
            File.Copy(RepoPaths.Graphs("bert-mini-uncased", f), Path.Combine(folder, f), overwrite: true);
        return path;
    }

    /// <summary>Loads a graph of an artifacts folder with its frozen weights read in.</summary>
    public static ModelProto LoadGraph(string artifacts, string file) => ModelFile.Load(Path.Combine(artifacts, file));
}

using System.Text;
using OrtAdapter.Build.Artifacts;
using OrtAdapter.Bench.Encoders;
using OrtAdapter.Onnx;
using OrtAdapter.Training.Tests.Data;

namespace OrtAdapter.Training.Tests.Loop;

/// <summary>
/// A temp folder with a tiny synthetic encoder (2 layers, hidden 32, bert-mini's vocabulary and tokenizer files),
/// its artifacts, and data files; deleted on dispose.
/// </summary>
sealed class TinyRun : IDisposable
{
    public TinyRun(ArtifactRecipe? recipe = null)
    {
        Directory.CreateDirectory(Root);
        var baseDir = Combine("base");
        Directory.CreateDirectory(baseDir);
        var model = SyntheticEncoder.Create(new SyntheticEncoderOptions
        {
            Layers = 2, Hidden = 32, Heads = 2, Intermediate = 64, VocabSize = 8010, MaxPositions = 128, Opset = 17,
            DeduplicateInitializers = false, Seed = 7,
        });
        ModelFile.Save(model, Path.Combine(baseDir, "model.onnx"));
        foreach (var f in (string[])["vocab.txt", "tokenizer_config.json", "config.json"])
            File.Copy(Path.Combine(TestData.RepoRoot(), "graphs", "bert-mini-uncased", f), Path.Combine(baseDir, f));
        Manifest = ArtifactBuilder.Build(Path.Combine(baseDir, "model.onnx"), recipe ?? ArtifactRecipe.Default, Artifacts);
    }

    public string Root { get; } = Path.Combine(Path.GetTempPath(), "ortadapter-loop-" + Guid.NewGuid().ToString("N"));
    public string Artifacts => Combine("artifacts");
    public ArtifactManifest Manifest { get; }

    public string Combine(string name) => Path.Combine(Root, name);

    /// <summary>An easy, separable sentiment set: each text holds "good" (label 1) or "bad" (label 0) among filler words.</summary>
    public string WriteToyData(string name, int rows, int seed)
    {
        string[] filler = ["the", "movie", "food", "was", "really", "quite", "service", "and", "story", "very", "place", "phone"];
        var rng = new Random(seed);
        var text = new StringBuilder();
        for (int i = 0; i < rows; i++)
        {
            var label = i % 2;
            var words = Enumerable.Range(0, rng.Next(3, 7)).Select(_ => filler[rng.Next(filler.Length)]).ToList();
            words.Insert(rng.Next(words.Count + 1), label == 1 ? "good" : "bad");
            text.Append($"{{\"text\": \"{string.Join(' ', words)}\", \"label\": {label}}}\n");
        }
        return Write(name, text.ToString());
    }

    public string Write(string name, string text)
    {
        var path = Combine(name);
        File.WriteAllText(path, text, new UTF8Encoding(false));
        return path;
    }

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); }
        catch (IOException) { } // a leftover temp folder is harmless
    }
}

/// <summary>Collects log lines; no console output.</summary>
sealed class QuietProgress : OrtAdapter.Training.Reporting.IProgressReporter
{
    public List<string> Lines { get; } = [];
    public void Report(long step, long totalSteps, int epoch, double loss, double samplesPerSecond) { }
    public void Log(string message) => Lines.Add(message);
    public void Dispose() { }
}

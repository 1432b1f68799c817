using System.Text;

namespace OrtAdapter.Cli.Tests;

/// <summary>A folder of damaged inputs: random bytes under every extension the tool reads, and truncated real files.</summary>
static class GarbageFiles
{
    public static void Write(string dir, string realModel)
    {
        var rng = new Random(13);
        byte[] Noise(int n) { var b = new byte[n]; rng.NextBytes(b); return b; }
        foreach (var name in new[] { "garbage.onnx", "garbage.jsonl", "garbage.csv", "garbage.tsv", "garbage.db", "garbage.adapter.safetensors" })
            File.WriteAllBytes(Path.Combine(dir, name), Noise(4096));
        // Parquet's magic at both ends with noise between: the reader gets past the first check.
        File.WriteAllBytes(Path.Combine(dir, "garbage.parquet"), [.. "PAR1"u8, .. Noise(4096), .. BitConverter.GetBytes(4000), .. "PAR1"u8]);
        File.WriteAllBytes(Path.Combine(dir, "empty.onnx"), []);
        File.WriteAllBytes(Path.Combine(dir, "truncated.onnx"), File.ReadAllBytes(realModel)[..200_000]);
        Directory.CreateDirectory(Path.Combine(dir, "folder.onnx"));
        // A real model with no tokenizer beside it: artifacts built from it could never be trained.
        File.Copy(realModel, Path.Combine(Directory.CreateDirectory(Path.Combine(dir, "novocab")).FullName, "model.onnx"));

        var artifacts = Directory.CreateDirectory(Path.Combine(dir, "garbage-artifacts")).FullName;
        File.WriteAllBytes(Path.Combine(artifacts, "manifest.json"), Noise(512));
        File.WriteAllBytes(Path.Combine(artifacts, "training_model.onnx"), Noise(512));
        File.WriteAllBytes(Path.Combine(artifacts, "eval_model.onnx"), Noise(512));

        var run = Directory.CreateDirectory(Path.Combine(dir, "garbage-run")).FullName;
        File.WriteAllText(Path.Combine(run, "summary.json"), "{\"artifacts\": 42, \"best\": [", Encoding.UTF8);
        var best = Directory.CreateDirectory(Path.Combine(run, "checkpoint-best")).FullName;
        File.WriteAllBytes(Path.Combine(best, "state.json"), Noise(256));
        File.WriteAllBytes(Path.Combine(best, "weights.safetensors"), Noise(256));
    }
}

using OrtAdapter.Build.Artifacts;
using OrtAdapter.Build.Checkpoints;
using OrtAdapter.Build.Export;
using OrtAdapter.Onnx;
using OrtAdapter.Training.Data;
using SharpFuzz;

namespace OrtAdapter.Fuzz;

/// <summary>
/// One AFL++ target per parser of untrusted input: the input bytes are written to a file of the target's kind and read
/// by the same entry point the tool uses. The clear, user-facing errors are expected; any other exception is a
/// crash for AFL to keep (see run.sh).
/// </summary>
public static class Program
{
    static readonly Dictionary<string, (string File, Action<string> Parse, Type[] Expected)> Targets = new()
    {
        ["onnx"] = ("model.onnx", p => ModelFile.Load(p), [typeof(OnnxFormatException)]),
        ["safetensors"] = ("weights.safetensors", p => SafeTensors.Read(p), [typeof(SafeTensorsException)]),
        ["state"] = ("state.json", p => Checkpoint.Load(Path.GetDirectoryName(p)!), [typeof(CheckpointException), typeof(SafeTensorsException)]),
        ["manifest"] = ("manifest.json", p => ArtifactManifest.Load(Path.GetDirectoryName(p)!), [typeof(OnnxFormatException)]),
        ["adapter"] = ("model.adapter.safetensors", p => AdapterFile.Read(p), [typeof(ExportException)]),
        ["jsonl"] = ("data.jsonl", ReadData, [typeof(DatasetException)]),
        ["csv"] = ("data.csv", ReadData, [typeof(DatasetException)]),
        ["tsv"] = ("data.tsv", ReadData, [typeof(DatasetException)]),
        ["parquet"] = ("data.parquet", ReadData, [typeof(DatasetException)]),
        ["sqlite"] = ("data.db", ReadData, [typeof(DatasetException)]),
    };

    public static int Main(string[] args)
    {
        if (args is ["--seeds", var seeds])
        {
            SeedCorpus.Write(seeds, Targets.ToDictionary(t => t.Key, t => t.Value.File));
            return 0;
        }
        if (args.Length != 2 || !Targets.TryGetValue(args[0], out var target))
        {
            Console.Error.WriteLine($"usage: OrtAdapter.Fuzz TARGET WORKDIR | --seeds DIR   (targets: {string.Join(", ", Targets.Keys)})");
            return 2;
        }
        var path = Path.Combine(args[1], target.File);
        Directory.CreateDirectory(args[1]);
        // A checkpoint's state is read beside its weights: run.sh puts the seed checkpoint's weights there (instrumented
        // code may run only inside the fuzzing loop, so the harness writes nothing of its own here).
        Fuzzer.OutOfProcess.Run(stream =>
        {
            using (var file = File.Create(path)) stream.CopyTo(file);
            try { target.Parse(path); }
            catch (Exception e) when (target.Expected.Any(t => t.IsInstanceOfType(e))) { }
        });
        return 0;
    }

    static void ReadData(string path) => DatasetReader.Read(path, new DatasetOptions { SkipBadRows = true });

}

using OrtAdapter.Onnx;
using OrtAdapter.Onnx.Protobuf;

namespace OrtAdapter.Onnx.Tests;

/// <summary>Repository paths, the shared models (parsed once) and per-test scratch folders.</summary>
internal static class TestFiles
{
    static readonly Lazy<string> Root = new(() =>
    {
        for (var dir = new DirectoryInfo(OrtAdapter.Tests.Shared.RepoRootLocator.SearchStart); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "OrtAdapter.sln"))) return dir.FullName;
        throw new InvalidOperationException($"No OrtAdapter.sln above {AppContext.BaseDirectory}.");
    });

    public static string RepoRoot => Root.Value;
    public static string BertMini(int opset) => Path.Combine(RepoRoot, "graphs", "bert-mini-uncased", $"model_opset{opset}.onnx");
    public static string DistilBert => Path.Combine(RepoRoot, "graphs", "distilbert-style-random", "model_opset14.onnx");

    static readonly Dictionary<string, byte[]> Cache = [];

    /// <summary>The file's bytes, read once per test run.</summary>
    public static byte[] Bytes(string path)
    {
        lock (Cache)
        {
            if (!Cache.TryGetValue(path, out var bytes)) Cache[path] = bytes = File.ReadAllBytes(path);
            return bytes;
        }
    }

    /// <summary>A fresh parse of a shared model (callers may edit it).</summary>
    public static ModelProto Model(string path) => ModelFile.Parse(Bytes(path), path);

    /// <summary>A new empty folder under the temp directory, removed when disposed.</summary>
    public static ScratchDir Scratch() => new();
}

internal sealed class ScratchDir : IDisposable
{
    public ScratchDir()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "ortadapter-onnx-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); }
        catch (IOException) { }
    }
}

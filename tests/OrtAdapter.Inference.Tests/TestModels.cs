namespace OrtAdapter.Inference.Tests;

/// <summary>The test models, each written once per test run into one scratch folder (deleted at the end).</summary>
[TestClass]
public static class TestModels
{
    private static readonly Lazy<TempDirectory> s_folder = new(() => new TempDirectory());
    private static readonly Lazy<string> s_embedded = new(() => ExportedTestModel.Write(Path.Combine(s_folder.Value.Path, "embedded", "model.onnx")));
    private static readonly Lazy<string> s_beside = new(() =>
        ExportedTestModel.Write(Path.Combine(s_folder.Value.Path, "beside", "model.onnx"), ExportedTestModel.TokenizerPlacement.Beside, withPooled: false));

    /// <summary>Tokenizer in the metadata, with the pooled output.</summary>
    public static string Embedded => s_embedded.Value;

    /// <summary>Tokenizer files beside the model, no pooled output.</summary>
    public static string Beside => s_beside.Value;

    /// <summary>A fresh folder for a test's own variant.</summary>
    public static string NewFolder()
    {
        string dir = Path.Combine(s_folder.Value.Path, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }

    [AssemblyCleanup]
    public static void DeleteModels()
    {
        if (s_folder.IsValueCreated) s_folder.Value.Dispose();
    }
}

using System.Text;

namespace OrtAdapter.Training.Tests.Data;

/// <summary>A fresh temporary folder for one test's data files, deleted on dispose.</summary>
sealed class TempDir : IDisposable
{
    public TempDir() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "ortadapter-data-" + Guid.NewGuid().ToString("N"));

    /// <summary>Writes UTF-8 text (no BOM) and returns the file's path.</summary>
    public string Write(string name, string text)
    {
        var file = File(name);
        System.IO.File.WriteAllText(file, text, new UTF8Encoding(false));
        return file;
    }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); }
        catch (IOException) { } // a leftover temp folder is harmless
    }
}

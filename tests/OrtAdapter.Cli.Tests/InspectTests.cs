using System.Text.Json;

namespace OrtAdapter.Cli.Tests;

[TestClass]
public sealed class InspectTests
{
    [TestMethod]
    public void JsonOfAnArtifactsFolderHasTheFolderSectionTheTextShows()
    {
        using var dir = new TempFolder();
        var folder = Path.Combine(CliProcess.RepoRoot, "graphs", "bert-mini-uncased", "default");
        var text = CliProcess.Run(dir.Path, TimeSpan.FromMinutes(1), "inspect", folder);
        var json = CliProcess.Run(dir.Path, TimeSpan.FromMinutes(1), "inspect", folder, "--json");
        Assert.AreEqual(0, text.ExitCode, text.ToString());
        Assert.AreEqual(0, json.ExitCode, json.ToString());

        using var doc = JsonDocument.Parse(json.Stdout);
        var artifacts = doc.RootElement.GetProperty("artifacts");
        var files = artifacts.GetProperty("files").EnumerateArray().Select(f => f.GetProperty("name").GetString()!).ToList();
        CollectionAssert.IsSubsetOf(new[] { "manifest.json", "training_model.onnx", "eval_model.onnx", "checkpoint/" }, files);
        foreach (var name in files) StringAssert.Contains(text.Stdout, name, "the text report lists the same files");
        Assert.AreEqual("houlsby", artifacts.GetProperty("manifest").GetProperty("recipe").GetProperty("adapter").GetProperty("kind").GetString());
        Assert.AreEqual(2, doc.RootElement.GetProperty("models").GetArrayLength(), "training and eval graphs");
    }
}

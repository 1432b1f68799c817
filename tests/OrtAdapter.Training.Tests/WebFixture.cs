using System.Text;
using System.Text.Json.Nodes;

namespace OrtAdapter.Training.Tests;

/// <summary>
/// A fixture under web/test/fixtures that the browser trainer's tests compare with: computed here by the real .NET
/// code, committed, and rewritten instead of compared when ORTADAPTER_WRITE_WEB_FIXTURES=1.
/// </summary>
static class WebFixture
{
    public const string WriteVariable = "ORTADAPTER_WRITE_WEB_FIXTURES";

    /// <summary>What to do when the committed fixture differs.</summary>
    public static string Rewrite => $"rewrite it with {WriteVariable}=1 and rerun the web tests";

    /// <summary>The committed fixture, or null after rewriting it with <paramref name="text"/>.</summary>
    public static JsonObject? CommittedOrRewrite(string path, Func<string> text)
    {
        if (Environment.GetEnvironmentVariable(WriteVariable) == "1")
        {
            File.WriteAllText(path, text(), new UTF8Encoding(false));
            return null;
        }
        Assert.IsTrue(File.Exists(path), $"{path} is missing; write it with {WriteVariable}=1.");
        return JsonNode.Parse(File.ReadAllText(path))!.AsObject();
    }
}

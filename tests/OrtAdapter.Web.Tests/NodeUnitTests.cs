namespace OrtAdapter.Web.Tests;

/// <summary>
/// The page's unit tests (web/test/*.test.ts, Node's test runner): tokenizer fixtures of both vocabularies, collation,
/// data reading, split, batch plan, schedule and dropout masks against fixtures the .NET code wrote, safetensors and
/// the heap guard.
/// </summary>
[TestClass]
public sealed class NodeUnitTests
{
    [TestMethod]
    public void PassInNode()
    {
        WebTools.RequireBuiltPage();
        var result = WebTools.Run("npm", ["test"], TimeSpan.FromMinutes(3));
        Assert.AreEqual(0, result.ExitCode, result.ToString());
        StringAssert.Contains(result.Stdout, "# fail 0", result.ToString());
    }

    [TestMethod]
    public void TypeCheck()
    {
        WebTools.RequireBuiltPage();
        var result = WebTools.Run("npx", ["tsc", "--noEmit", "-p", "."], TimeSpan.FromMinutes(2));
        Assert.AreEqual(0, result.ExitCode, result.ToString());
    }
}

namespace OrtAdapter.Cli.Tests;

[TestClass]
public sealed class VerboseTests
{
    [TestMethod]
    public void VerbosePrintsTheTraceAfterTheOneLineError()
    {
        using var dir = new TempFolder();
        File.WriteAllBytes(Path.Combine(dir.Path, "bad.onnx"), [1, 2, 3, 4, 5]);

        var quiet = CliProcess.Run(dir.Path, TimeSpan.FromSeconds(60), "inspect", "bad.onnx");
        var verbose = CliProcess.Run(dir.Path, TimeSpan.FromSeconds(60), "inspect", "bad.onnx", "--verbose");

        Assert.AreEqual(1, quiet.ExitCode, quiet.ToString());
        Assert.AreEqual(1, verbose.ExitCode, verbose.ToString());
        var line = quiet.Stderr.TrimEnd('\n');
        Assert.DoesNotContain("\n", line, "without --verbose the error is one line");
        Assert.StartsWith(line, verbose.Stderr, "the same line comes first");
        Assert.Contains("   at ", verbose.Stderr, "then the trace");
    }
}

using System.Diagnostics;
using System.Globalization;
using OrtAdapter.Inference.Classification;

namespace OrtAdapter.Inference.Tests;

/// <summary>Builds samples/ClassifySentences (plain ORT + Microsoft.ML.Tokenizers) and checks it agrees with <see cref="TextClassifier"/>.</summary>
[TestClass]
public sealed class SampleAppTests
{
    // Plain words and punctuation: the library's BertTokenizer deviates from BERT only on rarer characters.
    private static readonly string[] Sentences =
    [
        "the movie was wonderful and i loved every minute",
        "this is the worst service i have ever had.",
        "it was fine, i guess",
        "The Weather Today Is Cold",
    ];

    private static string Dotnet => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    [TestMethod]
    [Timeout(180_000, CooperativeCancellation = true)]
    public void SampleBuildsAndMatchesTheClassifier()
    {
        using var scratch = new TempDirectory();
        string output = Path.Combine(scratch.Path, "out");
        // No build servers: they would outlive the build and hold its output pipes open.
        var build = RunProcess(Dotnet, ["build", Path.Combine(RepoPaths.Root, "samples", "ClassifySentences"), "-c", "Release", "-o", output,
            "--artifacts-path", Path.Combine(scratch.Path, "artifacts"), "-nodeReuse:false", "-p:UseSharedCompilation=false"], stdin: null);
        Assert.AreEqual(0, build.ExitCode, $"dotnet build failed:\n{build.Stdout}\n{build.Stderr}");
        string dll = Path.Combine(output, "ClassifySentences.dll");

        var fromArgs = RunProcess(Dotnet, [dll, TestModels.Embedded, .. Sentences], stdin: null);
        Assert.AreEqual(0, fromArgs.ExitCode, fromArgs.Stderr);
        AssertMatches(fromArgs.Stdout, Sentences);

        var fromStdin = RunProcess(Dotnet, [dll, TestModels.Beside], stdin: string.Join("\n", Sentences[..2]) + "\n");
        Assert.AreEqual(0, fromStdin.ExitCode, fromStdin.Stderr);
        AssertMatches(fromStdin.Stdout, Sentences[..2]);
    }

    private static void AssertMatches(string stdout, string[] sentences)
    {
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.HasCount(sentences.Length, lines, stdout);
        using var classifier = TextClassifier.Load(TestModels.Embedded);
        for (int i = 0; i < sentences.Length; i++)
        {
            // label <TAB> probability <TAB> name=p ... <TAB> sentence
            var fields = lines[i].Split('\t');
            Assert.HasCount(4, fields, lines[i]);
            Assert.AreEqual(sentences[i], fields[3]);
            var expected = classifier.Predict(sentences[i]);
            Assert.AreEqual(expected.Label, fields[0], lines[i]);
            var printed = fields[2].Split(' ').Select(kv => kv.Split('=')).ToDictionary(kv => kv[0], kv => double.Parse(kv[1], CultureInfo.InvariantCulture));
            CollectionAssert.AreEquivalent(ExportedTestModel.Labels, printed.Keys.ToArray());
            for (int k = 0; k < ExportedTestModel.Labels.Length; k++)
                Assert.AreEqual(expected.Probabilities[k], printed[ExportedTestModel.Labels[k]], Tolerances.SampleVsClassifier, lines[i]);
        }
    }

    private static (int ExitCode, string Stdout, string Stderr) RunProcess(string file, string[] args, string? stdin)
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = stdin is not null,
            UseShellExecute = false,
            WorkingDirectory = RepoPaths.Root,
        };
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            process.StandardInput.Write(stdin);
            process.StandardInput.Close();
        }
        if (!process.WaitForExit(TimeSpan.FromSeconds(150)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"'{file} {string.Join(" ", args)}' did not finish in 150 s.");
        }
        return (process.ExitCode, stdout.Result, stderr.Result);
    }
}

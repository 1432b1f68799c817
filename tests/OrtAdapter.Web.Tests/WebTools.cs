using System.Diagnostics;
using OrtAdapter.Cli.Tests;

namespace OrtAdapter.Web.Tests;

/// <summary>
/// The page's tool chain as the tests need it: Node.js and npm on PATH, web/node_modules (installed once with
/// <c>npm ci</c> from the lock file), a fresh build (<c>npm run build</c>), and Debian's Chromium for the browser
/// tests. A missing tool makes the tests inconclusive with the command that installs it; <c>.ci/run</c> installs them.
/// </summary>
public static class WebTools
{
    public static string WebFolder { get; } = Path.Combine(CliProcess.RepoRoot, "web");
    public static string Chromium { get; } = Environment.GetEnvironmentVariable("CHROMIUM") ?? "/usr/bin/chromium";

    static readonly Lazy<string?> Prepared = new(Prepare);

    /// <summary>Installs and builds the page once per test run; inconclusive where Node.js is missing.</summary>
    public static void RequireBuiltPage()
    {
        if (Prepared.Value is { } problem) Assert.Inconclusive(problem);
    }

    public static void RequireChromium()
    {
        RequireBuiltPage();
        if (!File.Exists(Chromium)) Assert.Inconclusive($"No Chromium at {Chromium}: install Debian's (apt-get install chromium) or set CHROMIUM.");
    }

    static string? Prepare()
    {
        if (Which("node") is null || Which("npm") is null) return "Node.js and npm are not on PATH: install Node.js 20 or later to test the browser trainer.";
        if (!Directory.Exists(Path.Combine(WebFolder, "node_modules"))) ThrowIfFailed(Run("npm", ["ci", "--no-audit", "--no-fund"], TimeSpan.FromMinutes(10)), "npm ci");
        ThrowIfFailed(Run("npm", ["run", "build"], TimeSpan.FromMinutes(2)), "npm run build");
        return null;
    }

    public static CliResult Run(string program, IEnumerable<string> args, TimeSpan timeout, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo(program) { WorkingDirectory = workingDirectory ?? WebFolder, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) info.ArgumentList.Add(a);
        using var p = Process.Start(info) ?? throw new InvalidOperationException($"could not start {program}");
        return CliProcess.Collect(p, timeout, $"{program} {string.Join(' ', info.ArgumentList)}");
    }

    static void ThrowIfFailed(CliResult result, string what)
    {
        if (result.ExitCode != 0) throw new InvalidOperationException($"{what} failed: {result}");
    }

    static string? Which(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator).Select(d => Path.Combine(d, program)).FirstOrDefault(File.Exists);
}

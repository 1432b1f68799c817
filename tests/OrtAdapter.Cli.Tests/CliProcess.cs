using System.Diagnostics;
using OrtAdapter.Tests.Shared;

namespace OrtAdapter.Cli.Tests;

/// <summary>What one run of the CLI left: exit code and both streams.</summary>
public sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"exit {ExitCode}\nstderr: {Stderr}\nstdout: {(Stdout.Length > 2000 ? Stdout[..2000] + "..." : Stdout)}";
}

/// <summary>Runs the built <c>ortadapter</c> as its own process, as a user would, in a working folder of the test's.</summary>
public static class CliProcess
{
    static readonly string Dll = Path.Combine(AppContext.BaseDirectory, "ortadapter.dll");

    /// <summary>The repository root (bundled models, data and prebuilt artifacts).</summary>
    public static string RepoRoot { get; } = FindRepoRoot();

    public static Process Start(string workingDirectory, params string[] args) => Start(workingDirectory, null, args);

    public static Process Start(string workingDirectory, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        // Outside the repository the CLI seeds a user cache: keep it in the test's folder, not the machine's.
        info.Environment["XDG_CACHE_HOME"] = Path.Combine(workingDirectory, ".xdg-cache");
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) info.Environment[name] = value;
        info.ArgumentList.Add(Dll);
        foreach (var a in args) info.ArgumentList.Add(a);
        // Progress bars and colours off: the streams are read as plain text.
        info.Environment["NO_COLOR"] = "1";
        info.Environment["TERM"] = "dumb";
        return Process.Start(info) ?? throw new InvalidOperationException("could not start dotnet");
    }

    public static CliResult Run(string workingDirectory, TimeSpan timeout, params string[] args) => Run(workingDirectory, timeout, null, args);

    public static CliResult Run(string workingDirectory, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        using var p = Start(workingDirectory, environment, args);
        return Collect(p, timeout, $"ortadapter {string.Join(' ', args)}");
    }

    /// <summary>Waits for a started process (output redirected) and collects both streams; kills it past the timeout.</summary>
    public static CliResult Collect(Process p, TimeSpan timeout, string what)
    {
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeout))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{what} ran past {timeout}");
        }
        p.WaitForExit();
        return new CliResult(p.ExitCode, stdout.Result, stderr.Result);
    }

    static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(RepoRootLocator.SearchStart); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "OrtAdapter.sln"))) return dir.FullName;
        throw new InvalidOperationException("OrtAdapter.sln not found above " + RepoRootLocator.SearchStart);
    }
}

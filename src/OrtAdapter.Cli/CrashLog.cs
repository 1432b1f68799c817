using System.Globalization;

namespace OrtAdapter.Cli;

/// <summary>Keeps the full trace of an unexpected failure out of the user's terminal but on disk, for a bug report.</summary>
static class CrashLog
{
    /// <summary>Writes the trace to the temp folder; returns the clause that tells the user where it went.</summary>
    public static string Write(Exception e, string[] args)
    {
        try
        {
            var folder = Path.Combine(Path.GetTempPath(), "ortadapter");
            Directory.CreateDirectory(folder);
            var path = Path.Combine(folder, $"error-{DateTime.Now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}-{Environment.ProcessId}.log");
            File.WriteAllText(path, $"ortadapter {string.Join(' ', args)}\n{DateTime.Now:O}\n\n{e}\n");
            return $"full trace in {path}, or rerun with --verbose";
        }
        catch (Exception)
        {
            return "rerun with --verbose for the full trace";
        }
    }
}

namespace OrtAdapter.Bench;

/// <summary>Resident set size of this process, peak and current (VmHWM and VmRSS on Linux; the managed working sets elsewhere).</summary>
public static class PeakMemory
{
    public static double Megabytes() => Status("VmHWM:") ?? System.Diagnostics.Process.GetCurrentProcess().PeakWorkingSet64 / (1024.0 * 1024.0);

    public static double CurrentMegabytes() => Status("VmRSS:") ?? System.Diagnostics.Process.GetCurrentProcess().WorkingSet64 / (1024.0 * 1024.0);

    static double? Status(string key)
    {
        const string status = "/proc/self/status";
        if (File.Exists(status))
            foreach (var line in File.ReadLines(status))
                if (line.StartsWith(key, StringComparison.Ordinal))
                    return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) / 1024.0;
        return null;
    }
}

/// <summary>Resident and peak memory (MB) when a benchmark phase ended: where a step's memory goes.</summary>
public sealed record MemoryPhase(string Phase, double ResidentMb, double PeakMb)
{
    public static MemoryPhase Now(string phase) => new(phase, PeakMemory.CurrentMegabytes(), PeakMemory.Megabytes());

    public override string ToString() => $"{Phase} {ResidentMb:F0}/{PeakMb:F0}";
}

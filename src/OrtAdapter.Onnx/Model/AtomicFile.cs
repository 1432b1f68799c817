using System.Diagnostics;
using System.Globalization;

namespace OrtAdapter.Onnx;

/// <summary>
/// Writes a file through a temporary sibling and a rename, so a reader never sees half a file. Temporary siblings are
/// named <c>&lt;file&gt;.tmp-&lt;pid&gt;-&lt;guid&gt;</c>; those of a process that no longer runs (killed mid-write) are removed
/// by the next write of the same file.
/// </summary>
public static class AtomicFile
{
    const string TempMarker = ".tmp-";

    public static void Write(string path, Action<Stream> write)
    {
        var full = Path.GetFullPath(path);
        var temp = TempPathFor(full);
        try
        {
            WriteDurable(temp, write);
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    public static void WriteAllText(string path, string text) =>
        Write(path, s => { using var w = new StreamWriter(s, leaveOpen: true); w.Write(text); });

    public static void WriteAllBytes(string path, ReadOnlySpan<byte> bytes)
    {
        var copy = bytes.ToArray();
        Write(path, s => s.Write(copy));
    }

    /// <summary>A fresh temporary sibling of <paramref name="target"/> (its folder created), after removing stale ones.</summary>
    public static string TempPathFor(string target)
    {
        var full = Path.GetFullPath(target);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        RemoveStaleTemps(full);
        return full + TempMarker + Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N");
    }

    /// <summary>Writes a new file and flushes it to disk before returning.</summary>
    public static void WriteDurable(string path, Action<Stream> write)
    {
        using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20);
        write(stream);
        stream.Flush(flushToDisk: true);
    }

    /// <summary>Deletes temporary siblings of <paramref name="target"/> left by processes that are gone.</summary>
    public static void RemoveStaleTemps(string target)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(target))!;
        if (!Directory.Exists(folder)) return;
        var prefix = Path.GetFileName(target) + TempMarker;
        foreach (var file in Directory.EnumerateFiles(folder, prefix + "*"))
        {
            var rest = Path.GetFileName(file)[prefix.Length..];
            var dash = rest.IndexOf('-');
            if (dash <= 0 || !int.TryParse(rest[..dash], NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || IsRunning(pid)) continue;
            try { File.Delete(file); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    static bool IsRunning(int pid)
    {
        if (pid == Environment.ProcessId) return true;
        try { using var p = Process.GetProcessById(pid); return !p.HasExited; }
        catch (ArgumentException) { return false; }
        catch (InvalidOperationException) { return false; }
    }
}

using System.Runtime.InteropServices;
using OrtAdapter.Onnx;

namespace OrtAdapter.Build.Artifacts;

/// <summary>
/// Every recipe built on the same base has byte-identical frozen weights (the base's tensors at the same offsets), so
/// the artifact cache keeps one file per content hash under <c>frozen/</c> and each cached folder's
/// <c>frozen_weights.bin</c> is a hard link to it: 90 MB once per base, not once per recipe. Where a hard link cannot
/// be made (another file system, Windows) the folder keeps its own copy, as before.
/// </summary>
public static class SharedFrozenWeights
{
    public const string FolderName = "frozen";

    /// <summary>Replaces <paramref name="artifactsFolder"/>'s frozen weights by a link to the shared copy of the same bytes.</summary>
    public static void Share(string artifactsFolder, ArtifactManifest manifest, string cacheRoot)
    {
        if (manifest.FrozenWeightsSha256 is not { } sha || !OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) return;
        var file = Path.Combine(artifactsFolder, manifest.FrozenWeights);
        var shared = Path.Combine(cacheRoot, FolderName, sha + ".bin");
        Directory.CreateDirectory(Path.GetDirectoryName(shared)!);
        if (!File.Exists(shared) || FileHash.Sha256(shared) != sha)
        {
            // The first folder of this base: its file becomes the shared one (the store gets a second name for it).
            File.Delete(shared);
            HardLink(file, shared);
            return;
        }
        // Link under a temporary name, then rename over the folder's copy: the folder never lacks its weights.
        var temp = file + ".link-" + Environment.ProcessId;
        File.Delete(temp);
        if (HardLink(shared, temp)) File.Move(temp, file, overwrite: true);
    }

    /// <summary>link(2): true when the second name was made; false when it failed or the C library cannot be reached.</summary>
    static bool HardLink(string existing, string newPath)
    {
        try { return Link(existing, newPath) == 0; }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { return false; }
    }

    // "libc.so.6" on Linux (a bare "libc" can resolve to glibc's linker script where development files are installed),
    // libSystem on macOS.
    [DllImport("libc.so.6", EntryPoint = "link", SetLastError = true)]
    static extern int LinkLinux(string existing, string newPath);

    [DllImport("libSystem.dylib", EntryPoint = "link", SetLastError = true)]
    static extern int LinkMac(string existing, string newPath);

    static int Link(string existing, string newPath) => OperatingSystem.IsMacOS() ? LinkMac(existing, newPath) : LinkLinux(existing, newPath);
}

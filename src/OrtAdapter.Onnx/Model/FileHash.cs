using System.Security.Cryptography;

namespace OrtAdapter.Onnx;

/// <summary>SHA-256 of a file, streamed: a 90 MB base model is hashed without a 90 MB array.</summary>
public static class FileHash
{
    /// <summary>Lower-case hex SHA-256 of the file at <paramref name="path"/>.</summary>
    public static string Sha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}

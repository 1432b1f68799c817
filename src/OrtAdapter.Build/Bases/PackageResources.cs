using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace OrtAdapter.Build.Bases;

/// <summary>Reads manifest resources embedded in a .NET assembly from its metadata, without loading its code.</summary>
public static class PackageResources
{
    /// <summary>The bytes of the embedded resource <paramref name="name"/> of <paramref name="assemblyPath"/>.</summary>
    /// <exception cref="InvalidDataException">The file is not an assembly, or has no such embedded resource.</exception>
    public static byte[] Read(string assemblyPath, string name)
    {
        using var stream = File.OpenRead(assemblyPath);
        using var pe = new PEReader(stream);
        try
        {
            if (!pe.HasMetadata || pe.PEHeaders.CorHeader is not { } cor)
                throw new InvalidDataException($"{assemblyPath}: not a .NET assembly.");
            var metadata = pe.GetMetadataReader();
            foreach (var handle in metadata.ManifestResources)
            {
                var resource = metadata.GetManifestResource(handle);
                if (!resource.Implementation.IsNil || metadata.GetString(resource.Name) != name) continue;
                // The resources section holds each embedded resource as a 4-byte length, then its bytes.
                var section = pe.GetSectionData(cor.ResourcesDirectory.RelativeVirtualAddress);
                var reader = section.GetReader(checked((int)resource.Offset), section.Length - checked((int)resource.Offset));
                var length = reader.ReadInt32();
                if (length < 0 || length > reader.RemainingBytes) throw new InvalidDataException($"{assemblyPath}: resource '{name}' claims {length} bytes, the file holds {reader.RemainingBytes}.");
                return reader.ReadBytes(length);
            }
            throw new InvalidDataException($"{assemblyPath}: no embedded resource '{name}'.");
        }
        catch (BadImageFormatException e) { throw new InvalidDataException($"{assemblyPath}: not a readable assembly ({e.Message}).", e); }
    }
}

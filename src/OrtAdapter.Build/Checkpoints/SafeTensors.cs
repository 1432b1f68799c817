using System.Buffers.Binary;
using System.Text.Json;
using OrtAdapter.Onnx;

namespace OrtAdapter.Build.Checkpoints;

/// <summary>
/// Reads and writes the safetensors format (huggingface/safetensors): an 8-byte little-endian header length, a
/// JSON header <c>{name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {string: string}}</c> padded
/// with spaces to 8 bytes, then the tensors' bytes, offsets relative to the end of the header. Tensors are written
/// in ordinal name order with compact JSON, so equal content gives byte-identical files.
/// </summary>
public static partial class SafeTensors
{
    public const string MetadataKey = "__metadata__";

    /// <summary>Headers larger than this are refused as corrupt (the reference implementation's limit).</summary>
    public const long MaxHeaderBytes = 100_000_000;

    /// <summary>Writes a file atomically (temporary sibling, then rename).</summary>
    public static void Write(string path, IReadOnlyDictionary<string, SafeTensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var header = Header(tensors, metadata, out var ordered);
        AtomicFile.Write(path, stream => WriteBody(stream, header, ordered));
    }

    /// <summary>Writes to a stream (the caller owns it).</summary>
    public static void Write(Stream stream, IReadOnlyDictionary<string, SafeTensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var header = Header(tensors, metadata, out var ordered);
        WriteBody(stream, header, ordered);
    }

    /// <summary>The file's bytes, for callers that embed or hash them.</summary>
    public static byte[] ToBytes(IReadOnlyDictionary<string, SafeTensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        using var memory = new MemoryStream();
        Write(memory, tensors, metadata);
        return memory.ToArray();
    }

    static void WriteBody(Stream stream, byte[] header, IReadOnlyList<SafeTensor> ordered)
    {
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
        stream.Write(length);
        stream.Write(header);
        foreach (var t in ordered) stream.Write(t.Data.Span);
    }

    static byte[] Header(IReadOnlyDictionary<string, SafeTensor> tensors, IReadOnlyDictionary<string, string>? metadata, out List<SafeTensor> ordered)
    {
        var names = tensors.Keys.OrderBy(n => n, StringComparer.Ordinal).ToList();
        foreach (var n in names)
            if (n.Length == 0 || n == MetadataKey) throw new ArgumentException($"'{n}' cannot name a tensor in a safetensors file.", nameof(tensors));
        ordered = names.Select(n => tensors[n]).ToList();

        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                w.WriteStartObject(MetadataKey);
                foreach (var key in metadata.Keys.OrderBy(k => k, StringComparer.Ordinal)) w.WriteString(key, metadata[key]);
                w.WriteEndObject();
            }
            long offset = 0;
            foreach (var n in names)
            {
                var t = tensors[n];
                w.WriteStartObject(n);
                w.WriteString("dtype", SafeTensorDTypes.Name(t.DType));
                w.WriteStartArray("shape");
                foreach (var d in t.Shape) w.WriteNumberValue(d);
                w.WriteEndArray();
                w.WriteStartArray("data_offsets");
                w.WriteNumberValue(offset);
                w.WriteNumberValue(offset += t.Data.Length);
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndObject();
        }
        // Pad with spaces so the data starts 8-byte aligned, as the reference writer does.
        while (buffer.Length % 8 != 0) buffer.WriteByte((byte)' ');
        return buffer.ToArray();
    }
}

using System.Buffers.Binary;
using System.Text.Json;

namespace OrtAdapter.Build.Checkpoints;

public static partial class SafeTensors
{
    /// <summary>Reads and validates a file; faults are <see cref="SafeTensorsException"/>s naming the file.</summary>
    public static SafeTensorsContent Read(string path)
    {
        if (!File.Exists(path)) throw new SafeTensorsException($"{path}: missing file.");
        return Read(File.ReadAllBytes(path), path);
    }

    /// <summary>Parses a file's bytes; tensors share <paramref name="bytes"/> (no copy).</summary>
    public static SafeTensorsContent Read(ReadOnlyMemory<byte> bytes, string origin = "<memory>")
    {
        SafeTensorsException Fault(string what) => new($"{origin}: {what}");
        if (bytes.Length < 8) throw Fault($"truncated: {bytes.Length} bytes, less than the 8-byte header length.");
        var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes.Span);
        if (headerLength > MaxHeaderBytes) throw Fault($"header length {headerLength} is over the {MaxHeaderBytes}-byte limit: not a safetensors file or corrupt.");
        if ((long)headerLength > bytes.Length - 8) throw Fault($"truncated: the header is {headerLength} bytes but only {bytes.Length - 8} follow the length.");
        var data = bytes[(8 + (int)headerLength)..];
        // JsonDocument checks UTF-8 only when a string is read: check it here, once, with a clear message.
        if (!System.Text.Unicode.Utf8.IsValid(bytes.Span.Slice(8, (int)headerLength))) throw Fault("header JSON is invalid: not UTF-8 text.");

        JsonDocument doc;
        try { doc = JsonDocument.Parse(bytes.Slice(8, (int)headerLength)); }
        catch (Exception e) when (e is JsonException or ArgumentException)
        {
            throw new SafeTensorsException($"{origin}: header JSON is invalid: {e.Message}", e);
        }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object) throw Fault($"header JSON is a {doc.RootElement.ValueKind}, not an object.");
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            var entries = new List<(string Name, SafeTensorDType DType, long[] Shape, long Begin, long End)>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var p in doc.RootElement.EnumerateObject())
            {
                if (!seen.Add(p.Name)) throw Fault($"header names '{p.Name}' twice.");
                if (p.Name == MetadataKey) ReadMetadata(p.Value, metadata, Fault);
                else entries.Add(ReadEntry(p.Name, p.Value, Fault));
            }
            CheckLayout(entries.Select(e => (e.Name, e.Begin, e.End)).ToList(), data.Length, Fault);
            var tensors = new Dictionary<string, SafeTensor>(StringComparer.Ordinal);
            foreach (var e in entries.OrderBy(e => e.Name, StringComparer.Ordinal))
                tensors[e.Name] = new SafeTensor(e.DType, e.Shape, data[(int)e.Begin..(int)e.End]);
            return new SafeTensorsContent(tensors, metadata);
        }
    }

    static void ReadMetadata(JsonElement value, Dictionary<string, string> metadata, Func<string, SafeTensorsException> fault)
    {
        if (value.ValueKind != JsonValueKind.Object) throw fault($"'{MetadataKey}' is a {value.ValueKind}, not an object of strings.");
        foreach (var m in value.EnumerateObject())
        {
            if (m.Value.ValueKind != JsonValueKind.String) throw fault($"metadata '{m.Name}' is a {m.Value.ValueKind}, not a string.");
            metadata[m.Name] = m.Value.GetString()!;
        }
    }

    static (string, SafeTensorDType, long[], long, long) ReadEntry(string name, JsonElement value, Func<string, SafeTensorsException> fault)
    {
        if (value.ValueKind != JsonValueKind.Object) throw fault($"tensor '{name}': header entry is a {value.ValueKind}, not an object.");
        if (!value.TryGetProperty("dtype", out var dtypeJson) || dtypeJson.ValueKind != JsonValueKind.String)
            throw fault($"tensor '{name}': no string 'dtype'.");
        if (!SafeTensorDTypes.TryParse(dtypeJson.GetString()!, out var dtype))
            throw fault($"tensor '{name}': dtype '{dtypeJson.GetString()}' is unknown.");
        var shape = Longs(value, "shape", name, fault);
        var offsets = Longs(value, "data_offsets", name, fault);
        if (offsets.Length != 2) throw fault($"tensor '{name}': data_offsets has {offsets.Length} numbers, not [begin, end].");
        var (begin, end) = (offsets[0], offsets[1]);
        if (begin > end) throw fault($"tensor '{name}': data_offsets [{begin}, {end}] are out of range (begin after end).");
        long needed;
        try { needed = checked(Onnx.TensorData.ElementCount(shape) * SafeTensorDTypes.Size(dtype)); }
        catch (OverflowException) { throw fault($"tensor '{name}': shape [{string.Join(", ", shape)}] overflows."); }
        if (needed != end - begin)
            throw fault($"tensor '{name}': shape [{string.Join(", ", shape)}] of {SafeTensorDTypes.Name(dtype)} needs {needed} bytes but data_offsets [{begin}, {end}] hold {end - begin}.");
        return (name, dtype, shape, begin, end);
    }

    static long[] Longs(JsonElement entry, string field, string name, Func<string, SafeTensorsException> fault)
    {
        if (!entry.TryGetProperty(field, out var array) || array.ValueKind != JsonValueKind.Array)
            throw fault($"tensor '{name}': no array '{field}'.");
        var result = new long[array.GetArrayLength()];
        int i = 0;
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt64(out var v) || v < 0)
                throw fault($"tensor '{name}': '{field}' holds {item.GetRawText()}, not a non-negative integer.");
            result[i++] = v;
        }
        return result;
    }

    /// <summary>The tensors must tile the data section: no gap, no overlap, nothing missing, nothing after.</summary>
    static void CheckLayout(List<(string Name, long Begin, long End)> entries, long dataLength, Func<string, SafeTensorsException> fault)
    {
        long expected = 0;
        foreach (var (name, begin, end) in entries.OrderBy(e => e.Begin).ThenBy(e => e.End))
        {
            if (begin != expected)
                throw fault($"tensor '{name}': data_offsets [{begin}, {end}] are out of range: tensors must tile the data section without gaps or overlaps, so it should begin at byte {expected}.");
            expected = end;
        }
        if (expected > dataLength) throw fault($"truncated: the tensors need {expected} data bytes but the file has {dataLength}.");
        if (expected < dataLength) throw fault($"{dataLength - expected} bytes after the last tensor: the data_offsets do not cover the data section.");
    }
}

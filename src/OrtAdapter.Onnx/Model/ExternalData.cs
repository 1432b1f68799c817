using Google.Protobuf;
using OrtAdapter.Onnx.Protobuf;

namespace OrtAdapter.Onnx;

/// <summary>Tensors whose bytes live in a file beside the model (ONNX IR "external data": location, offset, length).</summary>
public static class ExternalData
{
    const int Alignment = 64;

    public static bool IsExternal(TensorProto t) => t.HasDataLocation && t.DataLocation == TensorProto.Types.DataLocation.External;

    /// <summary>Reads every external tensor of the model into raw_data.</summary>
    public static void LoadAll(ModelProto model, string baseDir, string modelPath)
    {
        var open = new Dictionary<string, FileStream>();
        try
        {
            foreach (var t in AllTensors(model.Graph).Where(IsExternal))
            {
                var (location, offset, length) = Describe(t, modelPath);
                var file = ResolveInside(baseDir, location, t.Name, modelPath);
                if (!open.TryGetValue(file, out var stream))
                {
                    if (!File.Exists(file))
                        throw new OnnxFormatException($"{modelPath}: tensor '{t.Name}' refers to external data file '{location}', which does not exist ({file}).");
                    open[file] = stream = File.OpenRead(file);
                }
                var size = length ?? stream.Length - offset;
                if (offset < 0 || size < 0 || offset + size > stream.Length)
                    throw new OnnxFormatException($"{modelPath}: tensor '{t.Name}' wants bytes [{offset}, {offset + size}) of '{location}', which has {stream.Length} bytes.");
                var bytes = new byte[size];
                stream.Position = offset;
                stream.ReadExactly(bytes);
                t.RawData = ByteString.CopyFrom(bytes);
                t.ExternalData.Clear();
                t.ClearDataLocation();
            }
        }
        finally
        {
            foreach (var s in open.Values) s.Dispose();
        }
    }

    /// <summary>
    /// Moves every inline tensor of at least <paramref name="thresholdBytes"/> into <paramref name="fileName"/>
    /// (written atomically in <paramref name="dir"/>) and rewrites the tensors to point at it.
    /// Tensors that are already external are left as they are.
    /// </summary>
    public static void WriteAll(ModelProto model, string dir, string fileName, long thresholdBytes)
    {
        var moved = AllTensors(model.Graph)
            .Where(t => !IsExternal(t) && TensorData.ByteSize(t) >= thresholdBytes && t.DataType != (int)TensorProto.Types.DataType.String)
            .ToList();
        AtomicFile.Write(Path.Combine(dir, fileName), stream =>
        {
            foreach (var t in moved)
            {
                var raw = TensorData.RawBytes(t);
                var pad = (Alignment - stream.Position % Alignment) % Alignment;
                stream.Write(new byte[pad]);
                var offset = stream.Position;
                stream.Write(raw.Span);
                PointAt(t, fileName, offset, raw.Length);
            }
        });
    }

    /// <summary>Makes a tensor refer to bytes in an external file (its inline data is dropped).</summary>
    public static void PointAt(TensorProto t, string location, long offset, long length)
    {
        t.ClearRawData();
        t.FloatData.Clear(); t.DoubleData.Clear(); t.Int32Data.Clear(); t.Int64Data.Clear(); t.Uint64Data.Clear();
        t.ExternalData.Clear();
        t.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = location });
        t.ExternalData.Add(new StringStringEntryProto { Key = "offset", Value = offset.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        t.ExternalData.Add(new StringStringEntryProto { Key = "length", Value = length.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        t.DataLocation = TensorProto.Types.DataLocation.External;
    }

    /// <summary>Initializers, sparse initializers and Constant/attribute tensors of a graph and its subgraphs.</summary>
    public static IEnumerable<TensorProto> AllTensors(GraphProto graph)
    {
        foreach (var t in graph.Initializer) yield return t;
        foreach (var s in graph.SparseInitializer) { yield return s.Values; yield return s.Indices; }
        foreach (var n in graph.Node)
            foreach (var a in n.Attribute)
            {
                if (a.T is not null) yield return a.T;
                foreach (var t in a.Tensors) yield return t;
                foreach (var g in a.G is null ? a.Graphs : a.Graphs.Append(a.G))
                    foreach (var t in AllTensors(g)) yield return t;
            }
    }

    /// <summary>Offset and length of an external tensor's bytes (length from its shape when not recorded).</summary>
    public static (long Offset, long Length) Range(TensorProto t)
    {
        var (_, offset, length) = Describe(t, "<model>");
        return (offset, length ?? TensorData.ByteSize(t));
    }

    static (string Location, long Offset, long? Length) Describe(TensorProto t, string modelPath)
    {
        string? location = null; long offset = 0; long? length = null;
        foreach (var e in t.ExternalData)
        {
            switch (e.Key)
            {
                case "location": location = e.Value; break;
                case "offset": offset = ParseLong(e.Value, t.Name, "offset", modelPath); break;
                case "length": length = ParseLong(e.Value, t.Name, "length", modelPath); break;
            }
        }
        if (string.IsNullOrEmpty(location))
            throw new OnnxFormatException($"{modelPath}: tensor '{t.Name}' is marked external but has no 'location'.");
        if (location.IndexOfAny(['\0', .. Path.GetInvalidPathChars()]) >= 0)
            throw new OnnxFormatException($"{modelPath}: tensor '{t.Name}' has an external data location with characters no file name can have.");
        return (location, offset, length);
    }

    static long ParseLong(string text, string tensor, string key, string modelPath) =>
        long.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var v)
            ? v
            : throw new OnnxFormatException($"{modelPath}: tensor '{tensor}' has external data {key} '{text}', which is not an integer.");

    static string ResolveInside(string baseDir, string location, string tensor, string modelPath)
    {
        var full = Path.GetFullPath(Path.Combine(baseDir, location));
        var root = Path.GetFullPath(baseDir).TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar;
        if (Path.IsPathRooted(location) || !full.StartsWith(root, StringComparison.Ordinal))
            throw new OnnxFormatException($"{modelPath}: tensor '{tensor}' has external data location '{location}' outside the model's folder.");
        return full;
    }
}

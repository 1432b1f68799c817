using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Google.Protobuf;
using OrtAdapter.Onnx.Protobuf;
using DataType = OrtAdapter.Onnx.Protobuf.TensorProto.Types.DataType;

namespace OrtAdapter.Onnx;

/// <summary>
/// TensorProto to and from .NET arrays. Reads raw_data or the typed fields (float_data, int32_data for
/// int32/bool/float16, int64_data, double_data); writes raw_data (little-endian), as exporters do.
/// </summary>
public static class TensorData
{
    public static TensorProto Create<T>(string name, ReadOnlySpan<T> values, params long[] dims) where T : unmanaged
    {
        var count = ElementCount(dims);
        if (count != values.Length)
            throw new ArgumentException($"Tensor '{name}': {values.Length} values do not fill shape [{string.Join(",", dims)}] ({count}).");
        var t = new TensorProto { Name = name, DataType = (int)DataTypes.Of<T>(), RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values)) };
        t.Dims.AddRange(dims);
        return t;
    }

    public static TensorProto FromFloats(string name, float[] values, params long[] dims) => Create<float>(name, values, dims);
    public static TensorProto FromDoubles(string name, double[] values, params long[] dims) => Create<double>(name, values, dims);
    public static TensorProto FromInt64s(string name, long[] values, params long[] dims) => Create<long>(name, values, dims);
    public static TensorProto FromInt32s(string name, int[] values, params long[] dims) => Create<int>(name, values, dims);
    public static TensorProto FromHalfs(string name, Half[] values, params long[] dims) => Create<Half>(name, values, dims);
    public static TensorProto FromBools(string name, bool[] values, params long[] dims) => Create<bool>(name, values, dims);

    /// <summary>A scalar (rank 0) tensor.</summary>
    public static TensorProto Scalar<T>(string name, T value) where T : unmanaged => Create<T>(name, [value]);

    /// <summary>The tensor's values as <typeparamref name="T"/>; the element type must match exactly.</summary>
    public static T[] ToArray<T>(TensorProto t) where T : unmanaged
    {
        var expected = DataTypes.Of<T>();
        if (t.DataType != (int)expected)
            throw new OnnxFormatException($"Tensor '{t.Name}' holds {DataTypes.Name(t.DataType)}, not {DataTypes.Name((int)expected)}.");
        if (ExternalData.IsExternal(t))
            throw new OnnxFormatException($"Tensor '{t.Name}' is stored in external data that was not loaded.");
        var count = checked((int)ElementCount(t.Dims));
        if (t.HasRawData)
        {
            var raw = t.RawData.Span;
            if (raw.Length != count * Unsafe.SizeOf<T>())
                throw new OnnxFormatException($"Tensor '{t.Name}': raw_data has {raw.Length} bytes, shape [{string.Join(",", t.Dims)}] of {DataTypes.Name(t.DataType)} needs {count * Unsafe.SizeOf<T>()}.");
            return MemoryMarshal.Cast<byte, T>(raw).ToArray();
        }
        var result = FromTypedFields<T>(t);
        if (result.Length != count)
            throw new OnnxFormatException($"Tensor '{t.Name}': {result.Length} values for shape [{string.Join(",", t.Dims)}] ({count}).");
        return result;
    }

    public static float[] ToFloats(TensorProto t) => ToArray<float>(t);
    public static double[] ToDoubles(TensorProto t) => ToArray<double>(t);
    public static long[] ToInt64s(TensorProto t) => ToArray<long>(t);
    public static int[] ToInt32s(TensorProto t) => ToArray<int>(t);
    public static Half[] ToHalfs(TensorProto t) => ToArray<Half>(t);
    public static bool[] ToBools(TensorProto t) => ToArray<bool>(t);

    /// <summary>Values of any float or integer tensor widened to double (for checks and reports).</summary>
    public static double[] ToDoublesConverting(TensorProto t) => (DataType)t.DataType switch
    {
        DataType.Float => Array.ConvertAll(ToFloats(t), v => (double)v),
        DataType.Double => ToDoubles(t),
        DataType.Float16 => Array.ConvertAll(ToHalfs(t), v => (double)v),
        DataType.Int64 => Array.ConvertAll(ToInt64s(t), v => (double)v),
        DataType.Int32 => Array.ConvertAll(ToInt32s(t), v => (double)v),
        DataType.Bool => Array.ConvertAll(ToBools(t), v => v ? 1.0 : 0.0),
        _ => throw new OnnxFormatException($"Tensor '{t.Name}': cannot read {DataTypes.Name(t.DataType)} as numbers."),
    };

    /// <summary>The tensor's bytes in raw_data layout, whichever field holds them.</summary>
    public static ReadOnlyMemory<byte> RawBytes(TensorProto t)
    {
        if (t.HasRawData) return t.RawData.Memory;
        return (DataType)t.DataType switch
        {
            DataType.Float => MemoryMarshal.AsBytes<float>(ToFloats(t)).ToArray(),
            DataType.Double => MemoryMarshal.AsBytes<double>(ToDoubles(t)).ToArray(),
            DataType.Int64 => MemoryMarshal.AsBytes<long>(ToInt64s(t)).ToArray(),
            DataType.Int32 => MemoryMarshal.AsBytes<int>(ToInt32s(t)).ToArray(),
            DataType.Float16 => MemoryMarshal.AsBytes<Half>(ToHalfs(t)).ToArray(),
            DataType.Bool => MemoryMarshal.AsBytes<bool>(ToBools(t)).ToArray(),
            DataType.Uint64 => MemoryMarshal.AsBytes<ulong>(t.Uint64Data.ToArray()).ToArray(),
            DataType.Int8 or DataType.Uint8 or DataType.Int16 or DataType.Uint16 => NarrowInt32Field(t),
            _ => throw new OnnxFormatException($"Tensor '{t.Name}': no raw layout for {DataTypes.Name(t.DataType)}."),
        };
    }

    public static long ElementCount(IEnumerable<long> dims)
    {
        long n = 1;
        foreach (var d in dims) n = checked(n * d);
        return n;
    }

    /// <summary>Bytes of the tensor's values (0 for strings, which have no fixed size).</summary>
    public static long ByteSize(TensorProto t) => ElementCount(t.Dims) * DataTypes.ElementSize(t.DataType);

    static T[] FromTypedFields<T>(TensorProto t) where T : unmanaged
    {
        object values = (DataType)t.DataType switch
        {
            DataType.Float => t.FloatData.ToArray(),
            DataType.Double => t.DoubleData.ToArray(),
            DataType.Int64 => t.Int64Data.ToArray(),
            DataType.Int32 => t.Int32Data.ToArray(),
            // float16 and bool are stored one value per int32_data element (float16 as its bit pattern).
            DataType.Float16 => t.Int32Data.Select(v => BitConverter.UInt16BitsToHalf((ushort)v)).ToArray(),
            DataType.Bool => t.Int32Data.Select(v => v != 0).ToArray(),
            _ => throw new OnnxFormatException($"Tensor '{t.Name}': typed field of {DataTypes.Name(t.DataType)} not supported."),
        };
        return (T[])values;
    }

    static byte[] NarrowInt32Field(TensorProto t)
    {
        var size = DataTypes.ElementSize(t.DataType);
        var bytes = new byte[t.Int32Data.Count * size];
        for (int i = 0; i < t.Int32Data.Count; i++)
            BitConverter.GetBytes(t.Int32Data[i]).AsSpan(0, size).CopyTo(bytes.AsSpan(i * size));
        return bytes;
    }
}

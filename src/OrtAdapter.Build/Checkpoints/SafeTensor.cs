using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Google.Protobuf;
using OrtAdapter.Onnx;
using OrtAdapter.Onnx.Protobuf;

namespace OrtAdapter.Build.Checkpoints;

/// <summary>One tensor of a safetensors file: dtype, shape and little-endian bytes (row-major).</summary>
public sealed class SafeTensor
{
    public SafeTensor(SafeTensorDType dtype, IReadOnlyList<long> shape, ReadOnlyMemory<byte> data)
    {
        if (shape.Any(d => d < 0)) throw new ArgumentException($"Shape [{string.Join(", ", shape)}] has a negative dimension.", nameof(shape));
        var bytes = TensorData.ElementCount(shape) * SafeTensorDTypes.Size(dtype);
        if (bytes != data.Length)
            throw new ArgumentException($"Shape [{string.Join(", ", shape)}] of {SafeTensorDTypes.Name(dtype)} needs {bytes} bytes, got {data.Length}.", nameof(data));
        DType = dtype;
        Shape = [.. shape];
        Data = data;
    }

    public SafeTensorDType DType { get; }
    public IReadOnlyList<long> Shape { get; }
    public ReadOnlyMemory<byte> Data { get; }
    public long ElementCount => TensorData.ElementCount(Shape);

    /// <summary>A tensor holding a copy of <paramref name="values"/>.</summary>
    public static SafeTensor Create<T>(ReadOnlySpan<T> values, params long[] shape) where T : unmanaged =>
        new(SafeTensorDTypes.Of<T>(), shape, MemoryMarshal.AsBytes(values).ToArray());

    /// <summary>The values as <typeparamref name="T"/>; the dtype must match exactly.</summary>
    public T[] ToArray<T>() where T : unmanaged
    {
        var wanted = SafeTensorDTypes.Of<T>();
        if (wanted != DType) throw new InvalidOperationException($"Tensor holds {SafeTensorDTypes.Name(DType)}, not {SafeTensorDTypes.Name(wanted)}.");
        var result = new T[Data.Length / Unsafe.SizeOf<T>()];
        Data.Span.CopyTo(MemoryMarshal.AsBytes(result.AsSpan()));
        return result;
    }

    /// <summary>An ONNX initializer's values (inline data, any storage field).</summary>
    public static SafeTensor FromOnnx(TensorProto tensor) =>
        new(SafeTensorDTypes.FromOnnx(tensor.DataType), [.. tensor.Dims], TensorData.RawBytes(tensor).ToArray());

    /// <summary>This tensor as an ONNX initializer in raw_data layout.</summary>
    public TensorProto ToOnnx(string name)
    {
        var t = new TensorProto { Name = name, DataType = (int)SafeTensorDTypes.ToOnnx(DType), RawData = ByteString.CopyFrom(Data.Span) };
        t.Dims.AddRange(Shape);
        return t;
    }

    /// <summary>Same dtype, shape and bytes.</summary>
    public bool ContentEquals(SafeTensor other) =>
        DType == other.DType && Shape.SequenceEqual(other.Shape) && Data.Span.SequenceEqual(other.Data.Span);
}

using DataType = OrtAdapter.Onnx.Protobuf.TensorProto.Types.DataType;

namespace OrtAdapter.Build.Checkpoints;

/// <summary>Element types of the safetensors format (the header spells them as <see cref="SafeTensorDTypes.Name"/> gives).</summary>
public enum SafeTensorDType
{
    Bool, U8, I8, U16, I16, F16, BF16, U32, I32, F32, U64, I64, F64, F8E4M3, F8E5M2,
}

/// <summary>Names, sizes and ONNX / .NET equivalents of <see cref="SafeTensorDType"/>.</summary>
public static class SafeTensorDTypes
{
    static readonly (SafeTensorDType DType, string Name, int Size, DataType Onnx)[] Table =
    [
        (SafeTensorDType.Bool, "BOOL", 1, DataType.Bool), (SafeTensorDType.U8, "U8", 1, DataType.Uint8),
        (SafeTensorDType.I8, "I8", 1, DataType.Int8), (SafeTensorDType.U16, "U16", 2, DataType.Uint16),
        (SafeTensorDType.I16, "I16", 2, DataType.Int16), (SafeTensorDType.F16, "F16", 2, DataType.Float16),
        (SafeTensorDType.BF16, "BF16", 2, DataType.Bfloat16), (SafeTensorDType.U32, "U32", 4, DataType.Uint32),
        (SafeTensorDType.I32, "I32", 4, DataType.Int32), (SafeTensorDType.F32, "F32", 4, DataType.Float),
        (SafeTensorDType.U64, "U64", 8, DataType.Uint64), (SafeTensorDType.I64, "I64", 8, DataType.Int64),
        (SafeTensorDType.F64, "F64", 8, DataType.Double), (SafeTensorDType.F8E4M3, "F8_E4M3", 1, DataType.Float8E4M3Fn),
        (SafeTensorDType.F8E5M2, "F8_E5M2", 1, DataType.Float8E5M2),
    ];

    public static string Name(SafeTensorDType d) => Entry(d).Name;
    public static int Size(SafeTensorDType d) => Entry(d).Size;
    public static DataType ToOnnx(SafeTensorDType d) => Entry(d).Onnx;

    /// <summary>The dtype a header names, or false for a name the format does not define.</summary>
    public static bool TryParse(string name, out SafeTensorDType dtype)
    {
        foreach (var e in Table)
            if (e.Name == name) { dtype = e.DType; return true; }
        dtype = default;
        return false;
    }

    public static SafeTensorDType FromOnnx(int dataType)
    {
        foreach (var e in Table)
            if ((int)e.Onnx == dataType) return e.DType;
        throw new NotSupportedException($"ONNX type {Onnx.DataTypes.Name(dataType)} has no safetensors dtype.");
    }

    /// <summary>The dtype of a .NET element type, through its ONNX type (one mapping, in DataTypes).</summary>
    public static SafeTensorDType Of<T>() where T : unmanaged => FromOnnx((int)Onnx.DataTypes.Of<T>());

    static (SafeTensorDType DType, string Name, int Size, DataType Onnx) Entry(SafeTensorDType d) =>
        Array.Find(Table, e => e.DType == d) is { Name: not null } e ? e : throw new ArgumentOutOfRangeException(nameof(d), d, "Unknown safetensors dtype.");
}

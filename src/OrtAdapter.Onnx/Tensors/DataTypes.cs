using OrtAdapter.Onnx.Protobuf;
using DataType = OrtAdapter.Onnx.Protobuf.TensorProto.Types.DataType;

namespace OrtAdapter.Onnx;

/// <summary>ONNX element types: .NET mapping, sizes and names.</summary>
public static class DataTypes
{
    public static DataType Of<T>() where T : unmanaged => typeof(T) switch
    {
        var t when t == typeof(float) => DataType.Float,
        var t when t == typeof(double) => DataType.Double,
        var t when t == typeof(Half) => DataType.Float16,
        var t when t == typeof(long) => DataType.Int64,
        var t when t == typeof(int) => DataType.Int32,
        var t when t == typeof(bool) => DataType.Bool,
        var t when t == typeof(sbyte) => DataType.Int8,
        var t when t == typeof(byte) => DataType.Uint8,
        var t when t == typeof(ulong) => DataType.Uint64,
        var t when t == typeof(short) => DataType.Int16,
        var t when t == typeof(ushort) => DataType.Uint16,
        var t when t == typeof(uint) => DataType.Uint32,
        var t => throw new NotSupportedException($"No ONNX element type for {t.Name}."),
    };

    public static int ElementSize(int dataType) => (DataType)dataType switch
    {
        DataType.Float or DataType.Int32 or DataType.Uint32 => 4,
        DataType.Double or DataType.Int64 or DataType.Uint64 or DataType.Complex64 => 8,
        DataType.Float16 or DataType.Bfloat16 or DataType.Int16 or DataType.Uint16 => 2,
        DataType.Bool or DataType.Int8 or DataType.Uint8 or DataType.Float8E4M3Fn or DataType.Float8E4M3Fnuz
            or DataType.Float8E5M2 or DataType.Float8E5M2Fnuz => 1,
        DataType.Complex128 => 16,
        _ => 0,
    };

    public static bool IsFloat(int dataType) => (DataType)dataType is DataType.Float or DataType.Double or DataType.Float16 or DataType.Bfloat16;

    public static string Name(int dataType) =>
        Enum.IsDefined(typeof(DataType), dataType) ? ((DataType)dataType).ToString().ToLowerInvariant() : $"type#{dataType}";
}

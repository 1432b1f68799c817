using OrtAdapter.Onnx;
using OrtAdapter.Onnx.Protobuf;
using DataType = OrtAdapter.Onnx.Protobuf.TensorProto.Types.DataType;

namespace OrtAdapter.Build.Surgery;

/// <summary>
/// Deterministic initial values for new trainable tensors: each tensor's generator is seeded from (seed, tensor
/// name), so a tensor's values do not depend on which other tensors were made or in which order.
/// </summary>
public static class WeightInit
{
    public static TensorProto Zeros(string name, int elemType, params long[] dims) =>
        Make(name, elemType, new double[TensorData.ElementCount(dims)], dims);

    /// <summary>Normal(0, std²) by Box–Muller.</summary>
    public static TensorProto Normal(string name, int elemType, double std, int seed, params long[] dims)
    {
        var rng = new Random(StableSeed(seed, name));
        var values = new double[TensorData.ElementCount(dims)];
        for (int i = 0; i < values.Length; i++)
        {
            double u1 = 1.0 - rng.NextDouble(), u2 = rng.NextDouble();
            values[i] = std * Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
        }
        return Make(name, elemType, values, dims);
    }

    /// <summary>Uniform(-bound, bound).</summary>
    public static TensorProto Uniform(string name, int elemType, double bound, int seed, params long[] dims)
    {
        var rng = new Random(StableSeed(seed, name));
        var values = new double[TensorData.ElementCount(dims)];
        for (int i = 0; i < values.Length; i++) values[i] = (2.0 * rng.NextDouble() - 1.0) * bound;
        return Make(name, elemType, values, dims);
    }

    /// <summary>A tensor of a floating element type (float, double, float16) from doubles.</summary>
    public static TensorProto Make(string name, int elemType, double[] values, params long[] dims) => (DataType)elemType switch
    {
        DataType.Float => TensorData.FromFloats(name, Array.ConvertAll(values, v => (float)v), dims),
        DataType.Double => TensorData.FromDoubles(name, values, dims),
        DataType.Float16 => TensorData.FromHalfs(name, Array.ConvertAll(values, v => (Half)v), dims),
        _ => throw new NotSupportedException($"Tensor '{name}': adapters need a floating element type, the base weights are {DataTypes.Name(elemType)}."),
    };

    // FNV-1a over the name: string.GetHashCode is randomised per process.
    static int StableSeed(int seed, string name)
    {
        uint h = 2166136261u ^ (uint)seed;
        foreach (var ch in name) { h ^= ch; h *= 16777619u; }
        return (int)(h & 0x7FFFFFFF);
    }
}

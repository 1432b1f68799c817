using Microsoft.ML.OnnxRuntime;

namespace OrtAdapter.Testing.Checking;

/// <summary>A named host tensor to feed a session: float, double, int64, int32 or bool data with its shape.</summary>
public sealed record TensorFeed(string Name, Array Data, long[] Shape)
{
    public static TensorFeed Of<T>(string name, T[] data, params long[] shape) where T : unmanaged => new(name, data, shape);

    public OrtValue ToOrtValue() => Data switch
    {
        float[] f => OrtValue.CreateTensorValueFromMemory(f, Shape),
        double[] d => OrtValue.CreateTensorValueFromMemory(d, Shape),
        long[] l => OrtValue.CreateTensorValueFromMemory(l, Shape),
        int[] i => OrtValue.CreateTensorValueFromMemory(i, Shape),
        bool[] b => OrtValue.CreateTensorValueFromMemory(b, Shape),
        byte[] u => OrtValue.CreateTensorValueFromMemory(u, Shape),
        _ => throw new NotSupportedException($"Feed '{Name}': element type {Data.GetType().GetElementType()?.Name} is not supported."),
    };
}

using Microsoft.ML.OnnxRuntime;
using OrtAdapter.Inference.Runtime;
using OrtAdapter.Onnx;
using OrtAdapter.Onnx.Protobuf;
using OrtAdapter.Training.Runtime;
using DataType = OrtAdapter.Onnx.Protobuf.TensorProto.Types.DataType;

namespace OrtAdapter.Bench;

/// <summary>A way to compute the frozen base's X·W: the precision the product is computed in.</summary>
public enum MatMulPrecision { Float32, Int8, Float16 }

/// <summary>One primitive at one shape: GFLOP/s (counting 2·M·K·N) and its error against float32, or why it cannot run.</summary>
public sealed record PrecisionFigure(int M, int K, int N, MatMulPrecision Precision, double? GflopPerSecond, double? RelativeError, string? Unsupported)
{
    public override string ToString() => $"matmul_{M}x{K}x{N}_{Precision.ToString().ToLowerInvariant()}: " + (GflopPerSecond is { } g
        ? $"{g:F1} GFLOP/s, relative error {RelativeError:E1}" : $"not available ({Unsupported})");
}

/// <summary>
/// What could beat float32 for the frozen base on this CPU, measured with ONNX Runtime's own kernels at W1's shapes
/// (4096 tokens; hidden 384, FFN 1536). The forward X·W and the backward input gradient dY·Wᵀ use the same three
/// (K, N) pairs: 384x384 (attention projections), 384x1536 and 1536x384 (FFN up and down, and each other's
/// transpose). Int8 is the standard-op form ORT maps to its VNNI kernels: DynamicQuantizeLinear of X (uint8, per
/// tensor), MatMulInteger with W quantized per output column to int8 at build time, Cast, and the two scales.
/// Float16 casts X, multiplies by a float16 W and casts back. Each figure is <see cref="MatMulProbe.Time"/>'s median.
/// </summary>
public static class PrecisionProbe
{
    public static readonly (int K, int N)[] W1Shapes = [(384, 384), (384, 1536), (1536, 384)];

    public static IReadOnlyList<PrecisionFigure> Measure(ExecutionDevice device, int m = 4096, int threads = 0, int runs = 31)
    {
        var figures = new List<PrecisionFigure>();
        foreach (var (k, n) in W1Shapes)
        {
            var rng = new Random(k * 31 + n);
            var w = Enumerable.Range(0, k * n).Select(_ => (float)(rng.NextDouble() - 0.5) / MathF.Sqrt(k)).ToArray();
            var x = Enumerable.Range(0, m * k).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
            float[]? reference = null;
            foreach (var precision in Enum.GetValues<MatMulPrecision>())
            {
                try
                {
                    var y = new float[m * n];
                    var seconds = MatMulProbe.Time(Model(precision, w, k, n), device, threads, x, y, m, k, n, runs);
                    reference ??= y;
                    figures.Add(new(m, k, n, precision, 2.0 * m * k * n / seconds / 1e9, RelativeError(reference, y), null));
                }
                catch (OnnxRuntimeException e)
                {
                    figures.Add(new(m, k, n, precision, null, null, e.Message.Split('\n')[0]));
                }
            }
        }
        return figures;
    }

    static ModelProto Model(MatMulPrecision precision, float[] w, int k, int n)
    {
        var graph = RuntimeModel.Create("matmul_" + precision);
        var b = new OpBuilder(graph, "p");
        graph.Proto.Input.Add(RuntimeModel.Value("x", (int)DataType.Float, [Dim.Of(-1), Dim.Of(k)]));
        string y;
        switch (precision)
        {
            case MatMulPrecision.Float32:
                graph.AddInitializer(TensorData.FromFloats("w", w, k, n));
                y = b.MatMul("x", "w");
                break;
            case MatMulPrecision.Float16:
                graph.AddInitializer(TensorData.FromHalfs("w", w.Select(v => (Half)v).ToArray(), k, n));
                y = b.Cast(b.MatMul(b.Cast("x", (int)DataType.Float16), "w"), (int)DataType.Float);
                break;
            default:
                var (quantized, scales) = QuantizePerColumn(w, k, n);
                graph.AddInitializer(TensorData.Create<sbyte>("w_q", quantized, k, n));
                graph.AddInitializer(TensorData.FromFloats("w_scale", scales, n));
                var q = b.Node(OpTypes.DynamicQuantizeLinear, ["x"], 3).Output;
                var product = b.Op(OpTypes.MatMulInteger, [q[0], "w_q", q[2]]);
                y = b.Mul(b.Mul(b.Cast(product, (int)DataType.Float), q[1]), "w_scale");
                break;
        }
        graph.Proto.Output.Add(new ValueInfoProto { Name = y });
        return graph.Model;
    }

    /// <summary>Symmetric int8 per output column: scale = max|w| / 127, so zero is exact and no zero point is needed.</summary>
    public static (sbyte[] Quantized, float[] Scales) QuantizePerColumn(float[] w, int k, int n)
    {
        var scales = new float[n];
        for (int c = 0; c < n; c++)
        {
            float max = 0;
            for (int r = 0; r < k; r++) max = Math.Max(max, Math.Abs(w[r * n + c]));
            scales[c] = max > 0 ? max / 127f : 1f;
        }
        var quantized = new sbyte[k * n];
        for (int i = 0; i < quantized.Length; i++) quantized[i] = (sbyte)Math.Clamp(MathF.Round(w[i] / scales[i % n]), -127, 127);
        return (quantized, scales);
    }

    /// <summary>‖y - reference‖ / ‖reference‖.</summary>
    static double RelativeError(float[] reference, float[] y)
    {
        double diff = 0, norm = 0;
        for (int i = 0; i < y.Length; i++) { diff += Math.Pow(y[i] - reference[i], 2); norm += Math.Pow(reference[i], 2); }
        return Math.Sqrt(diff / norm);
    }
}

using OrtAdapter.Onnx;

namespace OrtAdapter.Build.Heads;

/// <summary>Emits the pooling of hidden states [batch, seq, H] into [batch, H].</summary>
public static class Pooling
{
    /// <summary>Smallest token count divided by, as sentence-transformers clamps it: an all-padding row pools to 0, not NaN.</summary>
    const double MinTokenCount = 1e-9;

    /// <summary>Emits the pooling; the result is named <paramref name="output"/>.</summary>
    public static string Emit(OpBuilder b, PoolingKind kind, string hidden, string? attentionMask, int elemType, string output) => kind switch
    {
        PoolingKind.Cls => NamedValues.Emit(b, OpTypes.Gather, [hidden, b.Int(0)], output, Attr.Int("axis", 1)),
        PoolingKind.Mean => Mean(b, hidden, attentionMask ?? throw new ArgumentException("Mean pooling needs the attention mask."), elemType, output),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown pooling."),
    };

    // pooled = sum_s(h * m) / max(sum_s(m), eps), with m the mask cast to the hidden state's type.
    static string Mean(OpBuilder b, string hidden, string mask, int elemType, string output)
    {
        var m = b.Unsqueeze(b.Cast(mask, elemType), 2);
        var sum = b.ReduceSum(b.Mul(hidden, m), [1], keepDims: false);
        var count = b.Clip(b.ReduceSum(m, [1], keepDims: false), b.Scalar(MinTokenCount, elemType), "");
        return NamedValues.Emit(b, OpTypes.Div, [sum, count], output);
    }
}

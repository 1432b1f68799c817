using OrtAdapter.Onnx.Protobuf;

namespace OrtAdapter.Onnx;

public sealed partial class OpBuilder
{
    public string Add(string a, string b) => Op(OpTypes.Add, [a, b]);
    public string Sub(string a, string b) => Op(OpTypes.Sub, [a, b]);
    public string Mul(string a, string b) => Op(OpTypes.Mul, [a, b]);
    public string Div(string a, string b) => Op(OpTypes.Div, [a, b]);
    public string Pow(string a, string b) => Op(OpTypes.Pow, [a, b]);
    public string Neg(string x) => Op(OpTypes.Neg, [x]);
    public string Abs(string x) => Op(OpTypes.Abs, [x]);
    public string Exp(string x) => Op(OpTypes.Exp, [x]);
    public string Log(string x) => Op(OpTypes.Log, [x]);
    public string Sqrt(string x) => Op(OpTypes.Sqrt, [x]);
    public string Reciprocal(string x) => Op(OpTypes.Reciprocal, [x]);
    public string Relu(string x) => Op(OpTypes.Relu, [x]);
    public string Sigmoid(string x) => Op(OpTypes.Sigmoid, [x]);
    public string Tanh(string x) => Op(OpTypes.Tanh, [x]);
    public string Erf(string x) => Op(OpTypes.Erf, [x]);
    public string Sign(string x) => Op(OpTypes.Sign, [x]);
    public string Identity(string x) => Op(OpTypes.Identity, [x]);
    public string Sum(params string[] xs) => xs.Length == 1 ? xs[0] : Op(OpTypes.Sum, xs);
    public string Max(params string[] xs) => Op(OpTypes.Max, xs);
    public string Min(params string[] xs) => Op(OpTypes.Min, xs);
    public string MatMul(string a, string b) => Op(OpTypes.MatMul, [a, b]);
    public string Where(string condition, string x, string y) => Op(OpTypes.Where, [condition, x, y]);
    public string Equal(string a, string b) => Op(OpTypes.Equal, [a, b]);
    public string Less(string a, string b) => Op(OpTypes.Less, [a, b]);
    public string Greater(string a, string b) => Op(OpTypes.Greater, [a, b]);
    public string Not(string x) => Op(OpTypes.Not, [x]);
    public string And(string a, string b) => Op(OpTypes.And, [a, b]);
    public string Cast(string x, int to) => Op(OpTypes.Cast, [x], Attr.Int("to", to));
    public string Softmax(string x, long axis) => Op(OpTypes.Softmax, [x], Attr.Int("axis", axis));
    public string LogSoftmax(string x, long axis) => Op(OpTypes.LogSoftmax, [x], Attr.Int("axis", axis));

    public string Gemm(string a, string b, string? c = null, bool transA = false, bool transB = false, float alpha = 1f, float beta = 1f)
    {
        var attrs = new List<AttributeProto>();
        if (transA) attrs.Add(Attr.Int("transA", 1));
        if (transB) attrs.Add(Attr.Int("transB", 1));
        if (alpha != 1f) attrs.Add(Attr.Float("alpha", alpha));
        if (beta != 1f) attrs.Add(Attr.Float("beta", beta));
        return Op(OpTypes.Gemm, c is null ? [a, b] : [a, b, c], [.. attrs]);
    }

    /// <summary>Clip with min/max as inputs (opset ≥ 11); pass "" for an absent bound.</summary>
    public string Clip(string x, string min, string max) => Op(OpTypes.Clip, [x, min, max]);
}

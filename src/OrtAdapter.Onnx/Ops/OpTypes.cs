namespace OrtAdapter.Onnx;

/// <summary>ai.onnx operator names, in one place.</summary>
public static class OpTypes
{
    public const string Abs = "Abs", Add = "Add", And = "And", ArgMax = "ArgMax", Cast = "Cast", CastLike = "CastLike",
        Clip = "Clip", Concat = "Concat", Constant = "Constant", ConstantOfShape = "ConstantOfShape", Div = "Div",
        Dropout = "Dropout", Einsum = "Einsum", Equal = "Equal", Erf = "Erf", Exp = "Exp", Expand = "Expand",
        Flatten = "Flatten", Gather = "Gather", GatherElements = "GatherElements", Gelu = "Gelu", Gemm = "Gemm",
        Greater = "Greater", GreaterOrEqual = "GreaterOrEqual", Identity = "Identity", LayerNormalization = "LayerNormalization",
        Less = "Less", LessOrEqual = "LessOrEqual", Log = "Log", LogSoftmax = "LogSoftmax", MatMul = "MatMul",
        MatMulInteger = "MatMulInteger", Max = "Max", Min = "Min", Mul = "Mul", Neg = "Neg", NonZero = "NonZero", Not = "Not",
        OneHot = "OneHot", Or = "Or", Pow = "Pow", Range = "Range", RandomUniformLike = "RandomUniformLike",
        Reciprocal = "Reciprocal", ReduceL2 = "ReduceL2", ReduceMax = "ReduceMax", ReduceMean = "ReduceMean",
        ReduceMin = "ReduceMin", ReduceSum = "ReduceSum", ReduceSumSquare = "ReduceSumSquare", Relu = "Relu",
        Reshape = "Reshape", ScatterElements = "ScatterElements", ScatterND = "ScatterND", Shape = "Shape",
        Sigmoid = "Sigmoid", Sign = "Sign", Size = "Size", Slice = "Slice", Softmax = "Softmax", Split = "Split",
        Sqrt = "Sqrt", Squeeze = "Squeeze", Sub = "Sub", Sum = "Sum", Tanh = "Tanh", Tile = "Tile",
        Transpose = "Transpose", Unsqueeze = "Unsqueeze", Where = "Where", Xor = "Xor", BitShift = "BitShift",
        Mod = "Mod", Floor = "Floor", DynamicQuantizeLinear = "DynamicQuantizeLinear", DequantizeLinear = "DequantizeLinear",
        QuantizeLinear = "QuantizeLinear", TopK = "TopK", CumSum = "CumSum", Trilu = "Trilu", Softplus = "Softplus";
}

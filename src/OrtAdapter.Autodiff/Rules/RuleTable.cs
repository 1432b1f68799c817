using OrtAdapter.Onnx;

namespace OrtAdapter.Autodiff;

/// <summary>All gradient rules, in one table. Each family lives in its own file.</summary>
static class RuleTable
{
    public static void Register(GradientRegistry r)
    {
        // Outputs that are indices, booleans or shapes: nothing flows back through them.
        r.AddNoGradient(OpTypes.Shape, OpTypes.Size, OpTypes.NonZero, OpTypes.Equal, OpTypes.Less, OpTypes.Greater,
            OpTypes.LessOrEqual, OpTypes.GreaterOrEqual, OpTypes.Not, OpTypes.And, OpTypes.Or, OpTypes.Xor,
            OpTypes.ArgMax, OpTypes.Range, OpTypes.ConstantOfShape, OpTypes.Constant, OpTypes.OneHot, OpTypes.Sign,
            OpTypes.Floor, OpTypes.RandomUniformLike, OpTypes.Mod);
        ArithmeticRules.Register(r);
        ElementwiseRules.Register(r);
        MatMulRules.Register(r);
        ShapeRules.Register(r);
        IndexingRules.Register(r);
        ReductionRules.Register(r);
        NormalizationRules.Register(r);
    }

    public static void RegisterPatterns(GradientRegistry r)
    {
        r.AddPattern(GeluPattern.Match);
        r.AddPattern(LayerNormPattern.Match);
        r.AddPattern(TransposedOperandPattern.Match);
    }
}

namespace OrtAdapter.Autodiff;

/// <summary>Add, Sub, Mul, Div, Neg, Sum: broadcasting binary arithmetic.</summary>
static class ArithmeticRules
{
    public static void Register(GradientRegistry r)
    {
        // Each input is checked with Needs before anything is built: summing a gradient back to a frozen operand's
        // shape would leave dead nodes, and would fail when that operand's rank is unknown.
        r.Add("Add", c =>
        {
            if (c.Needs(0)) c.GI(0, c.ReduceToShapeOf(c.GO(0)!, c.I(0)));
            if (c.Needs(1)) c.GI(1, c.ReduceToShapeOf(c.GO(0)!, c.I(1)));
        });
        r.Add("Sub", c =>
        {
            if (c.Needs(0)) c.GI(0, c.ReduceToShapeOf(c.GO(0)!, c.I(0)));
            if (c.Needs(1)) c.GI(1, c.ReduceToShapeOf(c.B.Neg(c.GO(0)!), c.I(1)));
        });
        r.Add("Mul", c =>
        {
            if (c.Needs(0)) c.GI(0, c.ReduceToShapeOf(c.B.Mul(c.GO(0)!, c.I(1)), c.I(0)));
            if (c.Needs(1)) c.GI(1, c.ReduceToShapeOf(c.B.Mul(c.GO(0)!, c.I(0)), c.I(1)));
        });
        r.Add("Div", c =>
        {
            // d(a/b)/da = 1/b; d(a/b)/db = -(a/b)/b = -y/b.
            if (c.Needs(0)) c.GI(0, c.ReduceToShapeOf(c.B.Div(c.GO(0)!, c.I(1)), c.I(0)));
            if (c.Needs(1)) c.GI(1, c.ReduceToShapeOf(c.B.Neg(c.B.Div(c.B.Mul(c.GO(0)!, c.O(0)), c.I(1))), c.I(1)));
        });
        r.Add("Neg", c => c.GI(0, c.B.Neg(c.GO(0)!)));
        r.Add("Sum", c =>
        {
            for (int i = 0; i < c.InputCount; i++)
                if (c.Needs(i)) c.GI(i, c.ReduceToShapeOf(c.GO(0)!, c.I(i)));
        });
    }
}

using OrtAdapter.Onnx;

namespace OrtAdapter.Autodiff;

/// <summary>
/// Pow, Sqrt, Exp, Log, Abs, Reciprocal, Relu, Sigmoid, Tanh, Erf, Softplus, Identity, Cast, Clip, Where, Dropout,
/// Max, Min. In the comments g is the incoming gradient, x the input and y the output.
/// </summary>
static class ElementwiseRules
{
    public static void Register(GradientRegistry r)
    {
        r.Add(OpTypes.Pow, Pow);
        Unary(r, OpTypes.Sqrt, (c, g, x, y) => c.B.Div(c.B.Mul(g, c.Scalar(0.5, y)), y));                    // g / (2y)
        Unary(r, OpTypes.Exp, (c, g, x, y) => c.B.Mul(g, y));                                                 // g y
        Unary(r, OpTypes.Log, (c, g, x, y) => c.B.Div(g, x));                                                 // g / x
        Unary(r, OpTypes.Abs, (c, g, x, y) => c.B.Mul(g, c.B.Sign(x)));                                       // g sign(x)
        Unary(r, OpTypes.Reciprocal, (c, g, x, y) => c.B.Neg(c.B.Mul(g, c.B.Mul(y, y))));                     // -g y²
        Unary(r, OpTypes.Relu, (c, g, x, y) => PassWhere(c, c.B.Greater(x, c.Scalar(0, x)), g));              // g [x > 0]
        Unary(r, OpTypes.Sigmoid, (c, g, x, y) => c.B.Mul(g, c.B.Mul(y, c.B.Sub(c.Scalar(1, y), y))));        // g y (1 - y)
        Unary(r, OpTypes.Tanh, (c, g, x, y) => c.B.Mul(g, c.B.Sub(c.Scalar(1, y), c.B.Mul(y, y))));           // g (1 - y²)
        Unary(r, OpTypes.Erf, (c, g, x, y) =>                                                                 // g 2/√π e^(-x²)
            c.B.Mul(g, c.B.Mul(c.B.Exp(c.B.Neg(c.B.Mul(x, x))), c.Scalar(2 / Math.Sqrt(Math.PI), x))));
        Unary(r, OpTypes.Softplus, (c, g, x, y) => c.B.Mul(g, c.B.Sigmoid(x)));                               // g σ(x)
        Unary(r, OpTypes.Identity, (c, g, x, y) => g);
        r.Add(OpTypes.Cast, Cast);
        r.Add(OpTypes.Clip, Clip);
        r.Add(OpTypes.Where, Where);
        r.Add(OpTypes.Dropout, Dropout);
        r.Add(OpTypes.Max, c => Extremum(c, max: true));
        r.Add(OpTypes.Min, c => Extremum(c, max: false));
    }

    /// <summary>
    /// A one-input element-wise op: its only input is on the gradient path whenever the rule runs. Its rule builds on
    /// the output having the input's shape; shape inference knows every standard such op, checked here at registration.
    /// </summary>
    static void Unary(GradientRegistry r, string op, Func<GradContext, string, string, string, string> dx)
    {
        if (!ShapeInference.ElementwiseUnary.Contains(op))
            throw new InvalidOperationException($"Element-wise rule for {op}: add {op} to ShapeInference.ElementwiseUnary, or its gradients lose their shapes.");
        r.Add(op, c => c.GI(0, dx(c, c.GO(0)!, c.I(0), c.O(0))));
    }

    /// <summary>g where the mask holds, 0 elsewhere (the result has the broadcast shape of mask and g).</summary>
    static string PassWhere(GradContext c, string mask, string g) => c.B.Where(mask, g, c.Scalar(0, c.O(0)));

    // y = a^b: da = g b a^(b-1), db = g y ln(a).
    static void Pow(GradContext c)
    {
        var (a, b, g, y) = (c.I(0), c.I(1), c.GO(0)!, c.O(0));
        if (c.Needs(0) && PowSlope(c, a, b) is { } slope) c.GI(0, c.ReduceToShapeOf(c.B.Mul(g, slope), a));
        if (c.Needs(1))
        {
            // The exponent may be another float type than the base (T1 in Pow-12+): reduce in a's type, then cast.
            var db = c.ReduceToShapeOf(c.B.Mul(g, c.B.Mul(y, c.B.Log(a))), b);
            c.GI(1, c.ElemType(b) == c.ElemType(a) ? db : c.B.Cast(db, c.ElemType(b)));
        }
    }

    /// <summary>dy/da of a^b: 2a for LayerNorm's constant 2, p a^(p-1) for another constant p, b a^(b-1) else; null for 0.</summary>
    static string? PowSlope(GradContext c, string a, string b)
    {
        var p = ConstantScalar(c, 1);
        if (p == 0) return null;
        if (p == 2) return c.B.Mul(a, c.Scalar(2, a));
        var e = p is { } pc ? c.Scalar(pc, a) : SameTypeAs(c, b, a);
        var eMinus1 = p is { } pm ? c.Scalar(pm - 1, a) : c.B.Sub(e, c.Scalar(1, a));
        return c.B.Mul(c.B.Pow(a, eMinus1), e);
    }

    // y = cast(x): the gradient is cast back to x's type; integer inputs carry none.
    static void Cast(GradContext c)
    {
        var from = c.ElemType(c.I(0));
        if (!DataTypes.IsFloat(from)) return;
        c.GI(0, c.Int("to", 0) == from ? c.GO(0)! : c.B.Cast(c.GO(0)!, from));
    }

    // y = min(max(x, lo), hi) with t = max(x, lo): x gets g where lo <= x <= hi, lo gets g where x < lo <= hi,
    // hi gets g where t > hi (a partition, so the three agree with ORT's clamp order even when lo > hi).
    static void Clip(GradContext c)
    {
        var (x, g) = (c.I(0), c.GO(0)!);
        var lo = ClipBound(c, 1, "min");
        var hi = ClipBound(c, 2, "max");
        if (c.Needs(0))
        {
            var aboveLo = lo is null ? null : c.B.Not(c.B.Less(x, lo));
            var belowHi = hi is null ? null : c.B.Not(c.B.Greater(x, hi));
            var inside = Both(c, aboveLo, belowHi);
            c.GI(0, inside is null ? g : PassWhere(c, inside, g));
        }
        if (c.Needs(1))
        {
            var loWins = Both(c, c.B.Less(x, lo!), hi is null ? null : c.B.Not(c.B.Greater(lo!, hi)))!;
            c.GI(1, c.ReduceToShapeOf(PassWhere(c, loWins, g), lo!));
        }
        if (c.Needs(2))
        {
            var t = lo is null ? x : c.B.Max(x, lo);
            c.GI(2, c.ReduceToShapeOf(PassWhere(c, c.B.Greater(t, hi!), g), hi!));
        }
    }

    /// <summary>A Clip bound: input <paramref name="input"/> from opset 11, the float attribute before; null when absent.</summary>
    static string? ClipBound(GradContext c, int input, string attribute)
    {
        if (c.Opset >= 11) return c.I(input).Length > 0 ? c.I(input) : null;
        return Attr.Find(c.Node, attribute) is { } a ? c.Scalar(a.F, c.I(0)) : null;
    }

    static string? Both(GradContext c, string? a, string? b) => a is null ? b : b is null ? a : c.B.And(a, b);

    // y = cond ? a : b: a gets g where cond holds, b gets it elsewhere, each summed back over its broadcast axes.
    static void Where(GradContext c)
    {
        var (cond, g) = (c.I(0), c.GO(0)!);
        var zero = c.Scalar(0, c.O(0));
        if (c.Needs(1)) c.GI(1, c.ReduceToShapeOf(c.B.Where(cond, g, zero), c.I(1)));
        if (c.Needs(2)) c.GI(2, c.ReduceToShapeOf(c.B.Where(cond, zero, g), c.I(2)));
    }

    // Training: y = x mask / (1 - ratio), so dx = g mask / (1 - ratio), with the mask the forward node drew.
    // Inference (opset < 12, training_mode absent or false, ratio 0): y = x, so dx = g.
    static void Dropout(GradContext c)
    {
        if (c.GO(0) is not { } g) return;
        var x = c.I(0);
        var training = c.Opset < 12 || c.I(2).Length == 0 ? 0.0 : ConstantScalar(c, 2);   // null: decided at run time
        var ratio = c.Opset < 12 ? 0.0 : c.I(1).Length == 0 ? 0.5 : ConstantScalar(c, 1);  // null: fed at run time
        if (training == 0 || ratio == 0)
        {
            c.GI(0, g);
            return;
        }
        string scale;
        if (training is not null && ratio is { } r) scale = c.Scalar(1 / (1 - r), x);
        else
        {
            // 1 / (1 - ratio * training_mode): the mask is all true and the scale 1 when training_mode is false.
            var dropped = ratio is { } rc ? c.Scalar(rc, x) : SameTypeAs(c, c.I(1), x);
            if (training is null) dropped = c.B.Mul(dropped, c.B.Cast(c.I(2), c.ElemType(x)));
            scale = c.B.Reciprocal(c.B.Sub(c.Scalar(1, x), dropped));
        }
        c.GI(0, PassWhere(c, MaskOf(c), c.B.Mul(g, scale)));
    }

    /// <summary>
    /// The forward Dropout's mask output. When the node has none, one is named on it: the output is optional and
    /// asking for it changes neither y nor the random draw (ORT computes the same mask into a scratch buffer
    /// otherwise), the name is new in the graph, and only this node's output list changes.
    /// </summary>
    static string MaskOf(GradContext c)
    {
        var node = c.Node;
        if (node.Output.Count > 1 && node.Output[1].Length > 0) return node.Output[1];
        var mask = c.B.Graph.UniqueName($"{c.B.Scope}/mask");
        if (node.Output.Count > 1) node.Output[1] = mask;
        else node.Output.Add(mask);
        c.B.Graph.Invalidate();
        return mask;
    }

    // y = max(x0, x1, ...) (or min): each element's gradient goes to the first input that attains y there.
    static void Extremum(GradContext c, bool max)
    {
        var (y, g) = (c.O(0), c.GO(0)!);
        if (c.InputCount == 1)
        {
            c.GI(0, g);
            return;
        }
        var last = Enumerable.Range(0, c.InputCount).Last(c.Needs);
        string? taken = null;
        for (int i = 0; i <= last; i++)
        {
            // x >= y for Max (x <= y for Min), via Less/Greater, which take float and double at every opset.
            var attains = c.B.Not(max ? c.B.Less(c.I(i), y) : c.B.Greater(c.I(i), y));
            var first = taken is null ? attains : c.B.And(attains, c.B.Not(taken));
            if (c.Needs(i)) c.GI(i, c.ReduceToShapeOf(PassWhere(c, first, g), c.I(i)));
            if (i < last) taken = taken is null ? attains : c.B.Op(OpTypes.Or, [taken, attains]);
        }
    }

    /// <summary>
    /// The value of a one-element constant input (initializer or Constant node) that nothing trains and no feed
    /// overrides, as a double; null when it is only known at run time.
    /// </summary>
    static double? ConstantScalar(GradContext c, int input) =>
        c.Needs(input) ? null : GraphConstants.ScalarValue(c.B.Graph, c.I(input));

    /// <summary><paramref name="value"/> cast to the element type of <paramref name="like"/> when the two differ.</summary>
    static string SameTypeAs(GradContext c, string value, string like) =>
        c.ElemType(value) == c.ElemType(like) ? value : c.B.Cast(value, c.ElemType(like));
}

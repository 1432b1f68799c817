namespace OrtAdapter.Autodiff;

/// <summary>Pow, Sqrt, Exp, Log, Abs, Reciprocal, Relu, Sigmoid, Tanh, Erf, Clip, Where, Identity, Cast, Dropout, Max, Min.</summary>
static class ElementwiseRules
{
    public static void Register(GradientRegistry r)
    {
    }
}

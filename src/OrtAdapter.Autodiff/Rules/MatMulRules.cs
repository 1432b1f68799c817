namespace OrtAdapter.Autodiff;

/// <summary>MatMul (batched, broadcasting) and Gemm.</summary>
static class MatMulRules
{
    public static void Register(GradientRegistry r)
    {
    }
}

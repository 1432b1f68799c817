namespace OrtAdapter.Build.Optimizer;

/// <summary>
/// The value names of the optimizer graph, its public contract with the trainer and the checkpoint
/// (state tensors are saved under the same names).
/// </summary>
public static class AdamWNames
{
    /// <summary>Float scalar input: the learning rate of this step.</summary>
    public const string LearningRate = "learning_rate";

    /// <summary>Int64 scalar input: the 1-based step count after this update (bias correction uses it).</summary>
    public const string Step = "step";

    /// <summary>Scalar output: the global L2 norm of all gradients before clipping.</summary>
    public const string GradNorm = "grad_norm";

    public const string ExpAvgSuffix = ".exp_avg", ExpAvgSqSuffix = ".exp_avg_sq", UpdatedSuffix = ".updated", GradSuffix = "_grad";

    /// <summary>The gradient of a parameter, as <c>GradientBuilder</c> names it.</summary>
    public static string Grad(string parameter) => parameter + GradSuffix;

    /// <summary>First moment (torch <c>exp_avg</c>).</summary>
    public static string ExpAvg(string parameter) => parameter + ExpAvgSuffix;

    /// <summary>Second moment (torch <c>exp_avg_sq</c>).</summary>
    public static string ExpAvgSq(string parameter) => parameter + ExpAvgSqSuffix;

    /// <summary>The new value of a parameter or state tensor after the step.</summary>
    public static string Updated(string value) => value + UpdatedSuffix;
}

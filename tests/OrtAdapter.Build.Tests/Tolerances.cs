using OrtAdapter.Testing.Checking;

namespace OrtAdapter.Build.Tests;

/// <summary>The numerical tolerances of this test project, in one place. Never loosen them to make a test pass.</summary>
static class Tolerances
{
    /// <summary>Adapted model at initialisation against the base model.</summary>
    public const double Parity = 1e-5;

    /// <summary>Lean export (and LoRA merged into the weights) against the eval graph fed the same tensors: absolute.</summary>
    public const double ExportParity = 1e-5;

    /// <summary>float16-weight export: probabilities against the float export, absolute.</summary>
    public const double Float16Probability = 1e-2;

    /// <summary>Loss values against a C# reference computed in double.</summary>
    public const double LossValue = 1e-5;

    /// <summary>AdamW graph outputs against the C# reference AdamW in float: relative error per element.</summary>
    public const double Optimizer = 1e-6;

    /// <summary>
    /// Magnitude below which the optimizer comparison becomes absolute (error ≤ Optimizer × OptimizerFloor):
    /// moments near zero come from cancellation (b1·m + (1-b1)·g) where relative error says nothing. Test values are O(1).
    /// </summary>
    public const double OptimizerFloor = 1e-2;

    /// <summary>
    /// Floor of the check of the float graph against the textbook AdamW formula in double (error ≤ Optimizer ×
    /// max(|p|, this)): the parameters are O(1) and their float rounding (~6e-8) is the error scale.
    /// </summary>
    public const double OptimizerTextbookFloor = 1;

    /// <summary>The optimizer graph in double against a closed-form step in double: relative error.</summary>
    public const double OptimizerDouble = 1e-12;

    /// <summary>The fused training step against training graph + optimizer_model.onnx: absolute difference of updated values.</summary>
    public const double FusedOptimizer = 1e-5;

    public static GradientCheckOptions Double => new() { Step = 1e-6, Tolerance = 1e-6, Floor = 1e-6, CoordinatesPerTensor = 8 };
    public static GradientCheckOptions Float => new() { Step = 1e-2, Tolerance = 1e-2, Floor = 1e-3, CoordinatesPerTensor = 8 };
}

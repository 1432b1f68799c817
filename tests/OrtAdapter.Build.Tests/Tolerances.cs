using OrtAdapter.Autodiff.Checking;

namespace OrtAdapter.Build.Tests;

/// <summary>The numerical tolerances of this test project, in one place. Never loosen them to make a test pass.</summary>
static class Tolerances
{
    /// <summary>Adapted model at initialisation against the base model.</summary>
    public const double Parity = 1e-5;

    /// <summary>Loss values against a C# reference computed in double.</summary>
    public const double LossValue = 1e-5;

    public static GradientCheckOptions Double => new() { Step = 1e-6, Tolerance = 1e-6, Floor = 1e-6, CoordinatesPerTensor = 8 };
    public static GradientCheckOptions Float => new() { Step = 1e-2, Tolerance = 1e-2, Floor = 1e-3, CoordinatesPerTensor = 8 };
}

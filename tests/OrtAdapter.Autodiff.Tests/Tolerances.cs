using OrtAdapter.Testing.Checking;

namespace OrtAdapter.Autodiff.Tests;

/// <summary>The numerical tolerances of this test project, in one place. Never loosen them to make a test pass.</summary>
static class Tolerances
{
    /// <summary>Double precision: central differences with a small step; relative error ≤ 1e-6.</summary>
    public static GradientCheckOptions Double => new() { Step = 1e-6, Tolerance = 1e-6, Floor = 1e-6, CoordinatesPerTensor = 12 };

    /// <summary>Float (ops ORT runs only in float): larger step; relative error ≤ 1e-2 per coordinate.</summary>
    public static GradientCheckOptions Float => new() { Step = 1e-2, Tolerance = 1e-2, Floor = 1e-3, CoordinatesPerTensor = 12 };
}

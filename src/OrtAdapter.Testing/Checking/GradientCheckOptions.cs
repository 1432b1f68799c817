namespace OrtAdapter.Testing.Checking;

/// <summary>How <see cref="GradientChecker"/> samples and compares.</summary>
public sealed class GradientCheckOptions
{
    /// <summary>Central-difference step. Default 1e-6 for double; use about 1e-2..1e-3 for float.</summary>
    public double Step { get; init; } = 1e-6;

    /// <summary>Largest relative error |a - n| / max(|a|, |n|, <see cref="Floor"/>) allowed per coordinate. Default 1e-6.</summary>
    public double Tolerance { get; init; } = 1e-6;

    /// <summary>Denominator floor so that near-zero gradients are compared absolutely. Default 1e-8.</summary>
    public double Floor { get; init; } = 1e-8;

    /// <summary>Coordinates checked per trainable tensor (all when the tensor is smaller). Default 8.</summary>
    public int CoordinatesPerTensor { get; init; } = 8;

    /// <summary>Seed for choosing coordinates. Default 0.</summary>
    public int Seed { get; init; }

    public static GradientCheckOptions Double => new();
    public static GradientCheckOptions Float => new() { Step = 1e-2, Tolerance = 1e-2, Floor = 1e-4 };
}

namespace OrtAdapter.Testing.Checking;

/// <summary>One sampled coordinate: the emitted gradient against central finite differences.</summary>
public sealed record CoordinateCheck(string Tensor, long Index, double Analytic, double Numeric, double RelativeError);

/// <summary>All coordinates checked, with the worst error.</summary>
public sealed record GradientCheckReport(IReadOnlyList<CoordinateCheck> Coordinates, double Tolerance)
{
    public double MaxRelativeError => Coordinates.Count == 0 ? 0 : Coordinates.Max(c => c.RelativeError);
    public bool Passed => Coordinates.Count > 0 && Coordinates.All(c => c.RelativeError <= Tolerance);

    /// <summary>The subgraphs a pattern rule differentiated (<see cref="GradientResult.Fused"/>).</summary>
    public IReadOnlyList<string> Fused { get; init; } = [];

    public string Describe()
    {
        var worst = Coordinates.OrderByDescending(c => c.RelativeError).Take(5)
            .Select(c => $"  {c.Tensor}[{c.Index}]: analytic {c.Analytic:G9}, numeric {c.Numeric:G9}, rel. error {c.RelativeError:E2}");
        return $"{Coordinates.Count} coordinates, max rel. error {MaxRelativeError:E2} (tolerance {Tolerance:E1}):\n{string.Join("\n", worst)}";
    }
}

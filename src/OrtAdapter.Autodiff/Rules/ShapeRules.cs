namespace OrtAdapter.Autodiff;

/// <summary>Reshape, Transpose, Unsqueeze, Squeeze, Flatten, Concat, Split, Slice, Expand, Tile.</summary>
static class ShapeRules
{
    public static void Register(GradientRegistry r)
    {
    }
}

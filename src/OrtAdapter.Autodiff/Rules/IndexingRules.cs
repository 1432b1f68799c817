namespace OrtAdapter.Autodiff;

/// <summary>Gather and GatherElements on data.</summary>
static class IndexingRules
{
    public static void Register(GradientRegistry r)
    {
    }
}

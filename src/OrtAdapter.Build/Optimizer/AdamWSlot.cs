namespace OrtAdapter.Build.Optimizer;

/// <summary>The values the optimizer reads and writes for one parameter.</summary>
/// <param name="Parameter">The parameter value (an input of the graph).</param>
/// <param name="Gradient">Its gradient value.</param>
public sealed record AdamWSlot(string Parameter, string Gradient)
{
    public string ExpAvg => AdamWNames.ExpAvg(Parameter);
    public string ExpAvgSq => AdamWNames.ExpAvgSq(Parameter);
    public string UpdatedParameter => AdamWNames.Updated(Parameter);
    public string UpdatedExpAvg => AdamWNames.Updated(ExpAvg);
    public string UpdatedExpAvgSq => AdamWNames.Updated(ExpAvgSq);
}

namespace OrtAdapter.Build.Artifacts;

/// <summary>One term of the artifacts' weighted loss as the graphs carry it: the trainer feeds and logs it by these names.</summary>
/// <param name="Name">The term, as the recipe names it ("ce", "supcon").</param>
/// <param name="Metric">Its metric name in metrics.jsonl ("loss_ce"; a term used twice gets "loss_ce_2").</param>
/// <param name="Output">The graph output holding its unweighted value ("loss_term_1").</param>
/// <param name="WeightInput">The scalar graph input holding its weight ("loss_weight_1").</param>
/// <param name="DefaultWeight">The recipe's weight, fed unless the run gives <c>--loss-weights</c>.</param>
public sealed record LossTermContract(string Name, string Metric, string Output, string WeightInput, double DefaultWeight);

namespace OrtAdapter.Autodiff;

/// <summary>
/// The rule table: one rule per op type, and the ops that carry no gradient (shape arithmetic, comparisons,
/// integer outputs). An op in neither set stops the build with an error naming it.
/// </summary>
public sealed class GradientRegistry
{
    readonly Dictionary<string, GradientRule> _rules = new(StringComparer.Ordinal);
    readonly HashSet<string> _noGradient = new(StringComparer.Ordinal);

    /// <summary>Every rule OrtAdapter ships.</summary>
    public static GradientRegistry Default { get; } = CreateDefault();

    public void Add(string opType, GradientRule rule) => _rules.Add(opType, rule);

    public void AddNoGradient(params string[] opTypes)
    {
        foreach (var op in opTypes) _noGradient.Add(op);
    }

    public bool TryGet(string opType, out GradientRule rule) => _rules.TryGetValue(opType, out rule!);
    public bool HasNoGradient(string opType) => _noGradient.Contains(opType);
    public IEnumerable<string> OpsWithRules => _rules.Keys.Order(StringComparer.Ordinal);

    static GradientRegistry CreateDefault()
    {
        var r = new GradientRegistry();
        RuleTable.Register(r);
        return r;
    }
}

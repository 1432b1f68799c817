namespace OrtAdapter.Autodiff;

/// <summary>
/// The rule table: one rule per op type, the ops that carry no gradient (shape arithmetic, comparisons, integer
/// outputs), and subgraph patterns tried before the per-node rules. An op in none of them stops the build with an
/// error naming it.
/// </summary>
public sealed class GradientRegistry
{
    readonly Dictionary<string, GradientRule> _rules = new(StringComparer.Ordinal);
    readonly HashSet<string> _noGradient = new(StringComparer.Ordinal);
    readonly List<GradientPattern> _patterns = [];

    /// <summary>Every rule and pattern OrtAdapter ships.</summary>
    public static GradientRegistry Default { get; } = CreateDefault();

    /// <summary>Every per-node rule but no patterns: the reference the pattern rules are checked against.</summary>
    public static GradientRegistry PerNodeOnly { get; } = CreateDefault(patterns: false);

    public void Add(string opType, GradientRule rule) => _rules.Add(opType, rule);

    public void AddNoGradient(params string[] opTypes)
    {
        foreach (var op in opTypes) _noGradient.Add(op);
    }

    public void AddPattern(GradientPattern pattern) => _patterns.Add(pattern);

    public IReadOnlyList<GradientPattern> Patterns => _patterns;

    public bool TryGet(string opType, out GradientRule rule) => _rules.TryGetValue(opType, out rule!);
    public bool HasNoGradient(string opType) => _noGradient.Contains(opType);
    public IEnumerable<string> OpsWithRules => _rules.Keys.Order(StringComparer.Ordinal);

    static GradientRegistry CreateDefault(bool patterns = true)
    {
        var r = new GradientRegistry();
        RuleTable.Register(r);
        if (patterns) RuleTable.RegisterPatterns(r);
        return r;
    }
}

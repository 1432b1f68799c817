using System.Globalization;

namespace OrtAdapter.Build.Losses;

/// <summary>
/// Reads loss terms from the strings the CLI accepts. A term is "name[:key=value,...]", e.g. "ce",
/// "ce:label_smoothing=0.1", "focal:gamma=2,alpha=0.25", "supcon:temperature=0.1", "kd:temperature=2";
/// list values (class_weights) are separated by ';'. A recipe is weighted terms joined by '+', e.g.
/// "0.9*ce+0.1*supcon:temperature=0.1" (a term without "w*" has weight 1).
/// </summary>
public static class LossSpec
{
    /// <summary>The default recipe: 0.9 × cross-entropy + 0.1 × SupCon (temperature 0.1).</summary>
    public static IReadOnlyList<WeightedLoss> Default => [new(new CrossEntropyLoss(), 0.9), new(new SupConLoss(0.1), 0.1)];

    sealed record Entry(string[] Names, string[] Keys, Func<Arguments, LossTerm> Create);

    static readonly Entry[] Catalog =
    [
        new(["ce", "cross_entropy"], ["label_smoothing", "class_weights"],
            a => new CrossEntropyLoss(a.Number("label_smoothing", 0), a.Numbers("class_weights"))),
        new(["focal"], ["gamma", "alpha"], a => new FocalLoss(a.Number("gamma", 2), a.Number("alpha", 1))),
        new(["bce", "bce_with_logits"], [], _ => new BceWithLogitsLoss()),
        new(["mse"], [], _ => new MseLoss()),
        new(["kd", "distill"], ["temperature"], a => new DistillationLoss(a.Number("temperature", 2))),
        new(["cosine"], [], _ => new CosineEmbeddingLoss()),
        new(["infonce", "simcse"], ["temperature"], a => new InfoNceLoss(a.Number("temperature", 0.05))),
        new(["supcon"], ["temperature"], a => new SupConLoss(a.Number("temperature", 0.1))),
    ];

    /// <summary>Canonical names of every term, for help texts.</summary>
    public static IReadOnlyList<string> Names => [.. Catalog.Select(e => e.Names[0])];

    /// <summary>One term, e.g. "focal:gamma=2,alpha=0.25". Throws <see cref="LossException"/> on an unknown name or parameter.</summary>
    public static LossTerm Parse(string spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var text = spec.Trim();
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        var name = (colon < 0 ? text : text[..colon]).Trim().ToLowerInvariant();
        if (name.Length == 0) throw new LossException($"Loss spec '{spec}' has no term name.");
        var entry = Catalog.FirstOrDefault(e => e.Names.Contains(name))
            ?? throw new LossException($"Unknown loss '{name}' in '{spec}'; known: {string.Join(", ", Names)}.");
        var args = new Arguments(entry.Names[0], spec);
        if (colon >= 0)
            foreach (var part in text[(colon + 1)..].Split(','))
                args.Add(part, entry.Keys);
        return entry.Create(args);
    }

    /// <summary>One weighted term: "0.9*ce" or "ce" (weight 1).</summary>
    public static WeightedLoss ParseWeighted(string spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var star = spec.IndexOf('*', StringComparison.Ordinal);
        if (star < 0) return new WeightedLoss(Parse(spec), 1);
        var weightText = spec[..star].Trim();
        if (!double.TryParse(weightText, NumberStyles.Float, CultureInfo.InvariantCulture, out var weight))
            throw new LossException($"Loss weight '{weightText}' in '{spec}' is not a number.");
        return new WeightedLoss(Parse(spec[(star + 1)..]), weight);
    }

    /// <summary>A recipe "w1*term1+w2*term2"; the weights are validated (finite, ≥ 0, not all zero).</summary>
    public static IReadOnlyList<WeightedLoss> ParseRecipe(string recipe)
    {
        ArgumentNullException.ThrowIfNull(recipe);
        var terms = SplitTerms(recipe).Select(ParseWeighted).ToList();
        WeightedLoss.ValidateWeights([.. terms.Select(t => t.Weight)]);
        return terms;
    }

    /// <summary>The recipe as a string <see cref="ParseRecipe"/> reads back (for manifests and logs).</summary>
    public static string Format(IEnumerable<WeightedLoss> recipe) => string.Join("+", recipe);

    // Splits on '+' except a number's exponent sign ("1e+3"): a '+' right after 'e'/'E' that follows a digit.
    static IEnumerable<string> SplitTerms(string recipe)
    {
        int start = 0;
        for (int i = 0; i < recipe.Length; i++)
        {
            if (recipe[i] != '+') continue;
            if (i >= 2 && recipe[i - 1] is 'e' or 'E' && char.IsDigit(recipe[i - 2])) continue;
            yield return Checked(recipe[start..i], recipe);
            start = i + 1;
        }
        yield return Checked(recipe[start..], recipe);
    }

    static string Checked(string part, string recipe) =>
        part.Trim().Length > 0 ? part : throw new LossException($"Loss recipe '{recipe}' has an empty term.");

    sealed class Arguments(string term, string spec)
    {
        readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

        public void Add(string part, string[] keys)
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            var key = (eq < 0 ? part : part[..eq]).Trim().ToLowerInvariant();
            if (key.Length == 0) throw new LossException($"Loss spec '{spec}' has an empty parameter.");
            if (!keys.Contains(key))
                throw new LossException(keys.Length == 0
                    ? $"Loss '{term}' takes no parameters, got '{key}' in '{spec}'."
                    : $"Loss '{term}' has no parameter '{key}' (in '{spec}'); it takes: {string.Join(", ", keys)}.");
            if (eq < 0 || part[(eq + 1)..].Trim().Length == 0) throw new LossException($"Parameter '{key}' of loss '{term}' has no value (in '{spec}').");
            if (!_values.TryAdd(key, part[(eq + 1)..].Trim())) throw new LossException($"Parameter '{key}' of loss '{term}' is given twice (in '{spec}').");
        }

        public double Number(string key, double fallback) => _values.TryGetValue(key, out var v) ? ParseNumber(key, v) : fallback;

        public double[]? Numbers(string key) =>
            _values.TryGetValue(key, out var v) ? [.. v.Split(';').Select(x => ParseNumber(key, x.Trim()))] : null;

        double ParseNumber(string key, string value) =>
            double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d
            : throw new LossException($"Parameter '{key}' of loss '{term}' must be a number, got '{value}' (in '{spec}').");
    }
}

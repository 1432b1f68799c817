using System.CommandLine;
using System.Globalization;

namespace OrtAdapter.Cli.Verbs;

/// <summary>Parse-time checks of option values: a bad value stops the command with a message naming the option.</summary>
static class OptionChecks
{
    public static Option<int> AtLeast(this Option<int> option, int min)
    {
        option.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() < min) r.AddError($"{option.Name} must be at least {min} (got {r.GetValueOrDefault<int>()}).");
        });
        return option;
    }

    /// <summary>An optional whole number of at least <paramref name="min"/> (absent is fine).</summary>
    public static Option<int?> AtLeast(this Option<int?> option, int min)
    {
        option.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int?>() is { } v && v < min) r.AddError($"{option.Name} must be at least {min} (got {v}).");
        });
        return option;
    }

    /// <summary>An optional positive finite number (absent is fine).</summary>
    public static Option<double?> Positive(this Option<double?> option)
    {
        option.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<double?>() is { } v && (!(v > 0) || !double.IsFinite(v)))
                r.AddError($"{option.Name} must be a positive number (got {v.ToString(CultureInfo.InvariantCulture)}).");
        });
        return option;
    }

    public static Option<double> Positive(this Option<double> option)
    {
        option.Validators.Add(r =>
        {
            var v = r.GetValueOrDefault<double>();
            if (!(v > 0) || !double.IsFinite(v)) r.AddError($"{option.Name} must be a positive number (got {v.ToString(CultureInfo.InvariantCulture)}).");
        });
        return option;
    }

    /// <summary>A probability in [0, 1), e.g. a dropout rate.</summary>
    public static Option<double> Probability(this Option<double> option)
    {
        option.Validators.Add(r => CheckProbability(option, r.GetValueOrDefault<double>(), r));
        return option;
    }

    /// <summary>An optional probability in [0, 1) (absent is fine).</summary>
    public static Option<double?> Probability(this Option<double?> option)
    {
        option.Validators.Add(r => { if (r.GetValueOrDefault<double?>() is { } v) CheckProbability(option, v, r); });
        return option;
    }

    static void CheckProbability(Option option, double v, System.CommandLine.Parsing.OptionResult r)
    {
        if (!(v >= 0 && v < 1)) r.AddError($"{option.Name} must be in [0, 1) (got {v.ToString(CultureInfo.InvariantCulture)}).");
    }

    /// <summary>A comma-separated list of finite numbers, e.g. --loss-weights 0.8,0.2.</summary>
    public static Option<string?> NumberList(this Option<string?> option)
    {
        option.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<string?>() is not { } text) return;
            foreach (var part in text.Split(','))
                if (!double.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || !double.IsFinite(v))
                    r.AddError($"{option.Name} '{text}': '{part}' is not a number (expected e.g. 0.8,0.2).");
        });
        return option;
    }

    /// <summary>NAME=VALUE items, e.g. --input-column teacher_logits=teacher: both sides non-empty.</summary>
    public static Option<string[]> Assignments(this Option<string[]> option)
    {
        option.Validators.Add(r =>
        {
            foreach (var item in r.GetValueOrDefault<string[]>() ?? [])
                if (item.IndexOf('=') is var eq && (eq <= 0 || eq == item.Length - 1))
                    r.AddError($"{option.Name} '{item}': expected INPUT=COLUMN, e.g. teacher_logits=teacher.");
        });
        return option;
    }

    public static List<double>? ParseNumbers(string? text) =>
        text?.Split(',').Select(w => double.Parse(w, NumberStyles.Float, CultureInfo.InvariantCulture)).ToList();
}

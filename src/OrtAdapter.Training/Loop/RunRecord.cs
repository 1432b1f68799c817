using System.Globalization;
using System.Text.Json;
using OrtAdapter.Build.Artifacts;

namespace OrtAdapter.Training.Loop;

/// <summary>
/// run.json: every option that decides a run's trajectory, by its command-line name, written when the run starts.
/// <c>--resume</c> continues a run only with the same values, so a resumed run is the run that was started (device and
/// threads may change: they do not change the numbers beyond float rounding).
/// </summary>
public static class RunRecord
{
    public const string FileName = "run.json";

    public static SortedDictionary<string, string> Of(TrainOptions o, ArtifactManifest manifest)
    {
        static string N(double v) => v.ToString("R", CultureInfo.InvariantCulture);
        static string P(string? path) => path is null ? "" : Path.GetFullPath(path);
        return new(StringComparer.Ordinal)
        {
            ["artifacts (recipe and base)"] = manifest.OptionsHash,
            ["--train"] = P(o.TrainData), ["--dev"] = P(o.DevData), ["--test"] = P(o.TestData),
            ["--text-column"] = o.Data.TextColumn, ["--pair-column"] = o.Data.TextPairColumn ?? "", ["--label-column"] = o.Data.LabelColumn,
            ["--input-column"] = string.Join(",", o.Data.OrderedVectorColumns.Select(kv => $"{kv.Key}={kv.Value}")),
            ["--sqlite-table"] = o.Data.SqliteTable ?? "", ["--sqlite-query"] = o.Data.SqliteQuery ?? "", ["--skip-bad-rows"] = o.Data.SkipBadRows.ToString(),
            ["--epochs"] = o.Epochs.ToString(CultureInfo.InvariantCulture), ["--batch-size"] = o.BatchSize.ToString(CultureInfo.InvariantCulture),
            ["--lr"] = N(o.LearningRate), ["warm-up fraction"] = N(o.WarmupFraction), ["decay"] = o.Decay.ToString(),
            ["--max-length"] = o.MaxLength.ToString(CultureInfo.InvariantCulture), ["--bucket-by-length"] = o.BucketByLength.ToString(),
            ["--grad-accum"] = o.GradientAccumulation.ToString(CultureInfo.InvariantCulture), ["--seed"] = o.Seed.ToString(CultureInfo.InvariantCulture),
            ["--eval-every"] = o.EvalEverySteps.ToString(CultureInfo.InvariantCulture), ["--checkpoint-every"] = o.CheckpointEverySteps.ToString(CultureInfo.InvariantCulture),
            ["--patience"] = o.Patience.ToString(CultureInfo.InvariantCulture),
            ["--loss-weights"] = o.LossWeights is null ? "" : string.Join(",", o.LossWeights.Select(N)),
        };
    }

    public static void Write(string runDirectory, SortedDictionary<string, string> record) =>
        OrtAdapter.Onnx.AtomicFile.WriteAllText(Path.Combine(runDirectory, FileName), JsonSerializer.Serialize(record, ArtifactManifest.Json) + "\n");

    /// <summary>Fails on the first option whose value differs from the one the run started with.</summary>
    public static void CheckResume(string runDirectory, SortedDictionary<string, string> now)
    {
        var path = Path.Combine(runDirectory, FileName);
        if (!File.Exists(path)) return; // a run started before run.json existed
        Dictionary<string, string>? started;
        try { started = JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(path)); }
        catch (JsonException e) { throw new InvalidDataException($"{path}: not a run record ({e.Message}).", e); }
        var differences = now.Where(kv => started?.TryGetValue(kv.Key, out var was) == true && was != kv.Value)
            .Select(kv => $"{kv.Key} is '{Show(kv.Value)}' but the run started with '{Show(started![kv.Key])}'").ToList();
        if (differences.Count > 0)
            throw new ArgumentException($"--resume: {string.Join("; ", differences)} ({path}); a run continues with the options it started with: give the same, or start a new run.");
    }

    static string Show(string? value) => string.IsNullOrEmpty(value) ? "(none)" : value;
}

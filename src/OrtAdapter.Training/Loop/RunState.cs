using System.Globalization;
using System.Text.Json;
using OrtAdapter.Build.Artifacts;
using OrtAdapter.Build.Checkpoints;

namespace OrtAdapter.Training.Loop;

/// <summary>
/// Where a run stands besides its weights: what the loop carries from step to step, and all that a checkpoint saves
/// with the weights, so a resumed run continues as if it had never stopped.
/// </summary>
public sealed record RunState
{
    /// <summary>Optimizer steps taken.</summary>
    public long Step { get; set; }

    /// <summary>The epoch of the last step, 1-based (0 before the first step).</summary>
    public int Epoch { get; set; }

    /// <summary>The best dev score so far (higher is better), −∞ before the first evaluation.</summary>
    public double Best { get; set; } = double.NegativeInfinity;

    /// <summary>The epoch and step of the best dev score; −1 before the first evaluation.</summary>
    public int BestEpoch { get; set; } = -1;
    public long BestStep { get; set; } = -1;

    /// <summary>Evaluations since the best one (early stopping counts these).</summary>
    public int EvalsWithoutGain { get; set; }

    const string BestEpochKey = "best_epoch", BestStepKey = "best_step", EvalsWithoutGainKey = "evals_without_gain", OptionsHashKey = "options_hash";

    /// <summary>The checkpoint's state.json for this state; the recipe and its hash tie the checkpoint to its artifacts.</summary>
    public CheckpointState ToCheckpoint(ArtifactManifest manifest) => new()
    {
        Step = Step, Epoch = Epoch, BestMetric = double.IsFinite(Best) ? Best : null,
        Options = JsonSerializer.SerializeToNode(manifest.Recipe, ArtifactManifest.Json),
        Extra = new Dictionary<string, string>
        {
            [BestEpochKey] = Text(BestEpoch), [BestStepKey] = Text(BestStep), [EvalsWithoutGainKey] = Text(EvalsWithoutGain),
            [OptionsHashKey] = manifest.OptionsHash,
        },
    };

    /// <summary>The state a checkpoint saved; a malformed value is a <see cref="CheckpointException"/> naming <paramref name="origin"/> and the key.</summary>
    public static RunState FromCheckpoint(CheckpointState s, string origin) => new()
    {
        Step = s.Step, Epoch = s.Epoch, Best = s.BestMetric ?? double.NegativeInfinity,
        BestEpoch = (int)Read(s, BestEpochKey, -1, int.MinValue, int.MaxValue, origin),
        BestStep = Read(s, BestStepKey, -1, long.MinValue, long.MaxValue, origin),
        EvalsWithoutGain = (int)Read(s, EvalsWithoutGainKey, 0, 0, int.MaxValue, origin),
    };

    static long Read(CheckpointState s, string key, long absent, long min, long max, string origin)
    {
        if (!s.Extra.TryGetValue(key, out var text)) return absent;
        return long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v) && v >= min && v <= max ? v
            : throw new CheckpointException($"{origin}: 'extra.{key}' is '{text}', not a whole number in range.");
    }

    static string Text(long v) => v.ToString(CultureInfo.InvariantCulture);
}

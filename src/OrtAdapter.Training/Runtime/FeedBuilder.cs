using Microsoft.ML.OnnxRuntime;
using OrtAdapter.Build.Artifacts;

namespace OrtAdapter.Training.Runtime;

/// <summary>
/// Host tensors for one step: the tokenized batch, labels, loss weights, learning rate, step and dropout masks.
/// Mask buffers are reused across steps of the same shape, so a step allocates no large arrays.
/// </summary>
public sealed class FeedBuilder : IDisposable
{
    readonly List<OrtValue> _owned = [];
    readonly Dictionary<string, float[]> _maskBuffers = new(StringComparer.Ordinal);
    readonly IReadOnlyList<DropoutMaskSpec> _masks;
    readonly string[] _batchDimNames;

    public FeedBuilder(ArtifactManifest manifest)
    {
        _masks = manifest.DropoutMasks;
        var ids = manifest.EvalInputs.FirstOrDefault(i => i.Name == "input_ids")
            ?? throw new InvalidOperationException("The artifacts' eval graph has no 'input_ids' input.");
        _batchDimNames = [.. ids.Dims];
    }

    public List<(string Name, OrtValue Value)> Feeds { get; } = [];

    /// <summary>Forgets the previous step's feeds (and frees their native wrappers).</summary>
    public FeedBuilder Reset()
    {
        foreach (var v in _owned) v.Dispose();
        _owned.Clear();
        Feeds.Clear();
        return this;
    }

    public FeedBuilder Add<T>(string name, T[] data, params long[] shape) where T : unmanaged
    {
        var value = OrtValue.CreateTensorValueFromMemory(data, shape);
        _owned.Add(value);
        Feeds.Add((name, value));
        return this;
    }

    public FeedBuilder Scalar<T>(string name, T value) where T : unmanaged => Add(name, [value]);

    /// <summary>Adds every dropout mask of the training graph for (seed, step), shaped for this batch.</summary>
    public FeedBuilder DropoutMasks(int batch, int sequence, ulong seed, long step)
    {
        var sizes = new Dictionary<string, long>(StringComparer.Ordinal) { [_batchDimNames[0]] = batch, [_batchDimNames[1]] = sequence };
        for (int site = 0; site < _masks.Count; site++)
        {
            var spec = _masks[site];
            var shape = spec.Dims.Select(d => long.TryParse(d, out var v) ? v : sizes.TryGetValue(d, out var s) ? s
                : throw new InvalidOperationException($"Dropout mask '{spec.Input}' has dim '{d}', which is neither a number nor {string.Join("/", sizes.Keys)}.")).ToArray();
            var count = checked((int)shape.Aggregate(1L, (p, d) => p * d));
            // One buffer per site, grown to the largest batch seen; a batch uses its prefix.
            if (!_maskBuffers.TryGetValue(spec.Input, out var mask) || mask.Length < count) _maskBuffers[spec.Input] = mask = new float[count];
            DropoutMaskGenerator.Fill(mask, count, spec.Rate, seed, step, site);
            var value = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, mask.AsMemory(0, count), shape);
            _owned.Add(value);
            Feeds.Add((spec.Input, value));
        }
        return this;
    }

    public void Dispose() => Reset();
}

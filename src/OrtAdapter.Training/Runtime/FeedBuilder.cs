using Microsoft.ML.OnnxRuntime;
using OrtAdapter.Build.Artifacts;
using OrtAdapter.Training.Batching;

namespace OrtAdapter.Training.Runtime;

/// <summary>
/// The tensors of one step: the tokenized batch, labels, loss weights, learning rate and step from host memory, and
/// the dropout masks, made on the host (CPU: buffers reused across steps, so a step allocates no large arrays) or on
/// the device by <see cref="DeviceDropoutMasks"/> (CUDA: only their keys and shapes cross to the device).
/// </summary>
public sealed class FeedBuilder : IDisposable
{
    readonly List<OrtValue> _owned = [];
    readonly Dictionary<string, byte[]> _maskBuffers = new(StringComparer.Ordinal);
    readonly IReadOnlyList<DropoutMaskSpec> _masks;
    readonly DeviceDropoutMasks? _deviceMasks;
    readonly string[] _batchDimNames;

    /// <summary>Feeds for the artifacts of <paramref name="manifest"/>; masks from <paramref name="deviceMasks"/> when given, else made here.</summary>
    public FeedBuilder(ArtifactManifest manifest, DeviceDropoutMasks? deviceMasks = null)
    {
        _masks = manifest.DropoutMasks;
        _deviceMasks = deviceMasks;
        var ids = manifest.EvalInputs.FirstOrDefault(i => i.Name == "input_ids")
            ?? throw new InvalidOperationException("The artifacts' eval graph has no 'input_ids' input.");
        _batchDimNames = [.. ids.Dims];
    }

    public List<(string Name, OrtValue Value)> Feeds { get; } = [];

    /// <summary>Bytes of this step's feeds that live in host memory: what a device has to receive for the step.</summary>
    public long HostBytes { get; private set; }

    /// <summary>Forgets the previous step's feeds (and frees their native wrappers).</summary>
    public FeedBuilder Reset()
    {
        foreach (var v in _owned) v.Dispose();
        _owned.Clear();
        Feeds.Clear();
        HostBytes = 0;
        return this;
    }

    public FeedBuilder Add<T>(string name, T[] data, params long[] shape) where T : unmanaged
    {
        var value = OrtValue.CreateTensorValueFromMemory(data, shape);
        _owned.Add(value);
        Feeds.Add((name, value));
        HostBytes += value.GetTensorSizeInBytes();
        return this;
    }

    public FeedBuilder Scalar<T>(string name, T value) where T : unmanaged => Add(name, [value]);

    /// <summary>
    /// Feeds every input of <paramref name="inputs"/> (a graph's part of the manifest's contract) from its source:
    /// the batch's columns, the step's values, the dropout masks. Trainable tensors, their moments and gradients are the sessions' to bind.
    /// </summary>
    public FeedBuilder Fill(IEnumerable<FedInput> inputs, Batch batch, StepValues step)
    {
        bool masks = false;
        foreach (var input in inputs)
        {
            if (input.Source == FeedSource.Data)
            {
                var column = batch.Column(input.Name) ?? throw new InvalidOperationException($"The graphs read data input '{input.Name}', which the batch does not have.");
                if (column.Values is long[] longs) Add(input.Name, longs, column.Shape);
                else Add(input.Name, (float[])column.Values, column.Shape);
            }
            else if (input.Source == FeedSource.LossWeight) Scalar(input.Name, (float)step.LossWeights[input.Term!.Value - 1]);
            else if (input.Source == FeedSource.LearningRate) Scalar(input.Name, (float)(step.LearningRate ?? throw Missing(input)));
            else if (input.Source == FeedSource.Step) Scalar(input.Name, step.Step ?? throw Missing(input));
            else if (input.Source == FeedSource.DropoutMask) masks = true;
        }
        if (masks) DropoutMasks(batch.Size, batch.Inputs.SequenceLength, step.Seed, step.MaskStep);
        return this;
    }

    static InvalidOperationException Missing(FedInput input) => new($"Input '{input.Name}' ({input.Source}) is fed only to training steps.");

    /// <summary>Adds every dropout mask of the training graph for (seed, step), shaped for this batch.</summary>
    public FeedBuilder DropoutMasks(int batch, int sequence, ulong seed, long step)
    {
        var sizes = new Dictionary<string, long>(StringComparer.Ordinal) { [_batchDimNames[0]] = batch, [_batchDimNames[1]] = sequence };
        var shapes = _masks.Select(spec => spec.Dims.Select(d => long.TryParse(d, out var v) ? v : sizes.TryGetValue(d, out var s) ? s
            : throw new InvalidOperationException($"Dropout mask '{spec.Input}' has dim '{d}', which is neither a number nor {string.Join("/", sizes.Keys)}.")).ToArray()).ToList();
        if (_deviceMasks is not null)
        {
            foreach (var (name, value) in _deviceMasks.Make(shapes, seed, step))
            {
                _owned.Add(value);
                Feeds.Add((name, value));
            }
            HostBytes += _deviceMasks.LastHostBytes;
            return this;
        }
        long offset = 0;
        for (int site = 0; site < _masks.Count; site++)
        {
            var (spec, shape) = (_masks[site], shapes[site]);
            var count = checked((int)shape.Aggregate(1L, (p, d) => p * d));
            // One buffer per site, grown to the largest batch seen; a batch uses its prefix.
            if (!_maskBuffers.TryGetValue(spec.Input, out var mask) || mask.Length < count) _maskBuffers[spec.Input] = mask = new byte[count];
            DropoutMaskGenerator.Fill(mask, count, spec.Rate, seed, step, offset);
            offset += count;
            var value = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, mask.AsMemory(0, count), shape);
            _owned.Add(value);
            Feeds.Add((spec.Input, value));
            HostBytes += value.GetTensorSizeInBytes();
        }
        return this;
    }

    public void Dispose() => Reset();
}

using Microsoft.ML.OnnxRuntime;
using OrtAdapter.Build.Optimizer;
using OrtAdapter.Inference.Runtime;

namespace OrtAdapter.Training.Runtime;

/// <summary>
/// Trainable tensors and their AdamW state, resident on the execution device for the whole run. Each tensor has
/// two buffers: a step reads one and writes the other (ONNX Runtime cannot update in place), then they swap.
/// Names follow the graphs: "p", "p.exp_avg", "p.exp_avg_sq", written to "{name}.updated".
/// </summary>
public sealed class ParameterStore : IDisposable
{
    const string ExpAvg = AdamWNames.ExpAvgSuffix, ExpAvgSq = AdamWNames.ExpAvgSqSuffix, Updated = AdamWNames.UpdatedSuffix;

    readonly List<Slot> _slots = [];
    readonly DeviceTransfer? _transfer;

    sealed class Slot(string name, long[] shape, OrtValue a, OrtValue b, float[]? hostA, float[]? hostB)
    {
        public string Name { get; } = name;
        public long[] Shape { get; } = shape;
        public OrtValue Current { get; set; } = a;
        public OrtValue Next { get; set; } = b;
        public float[]? HostCurrent { get; set; } = hostA;
        public float[]? HostNext { get; set; } = hostB;

        public void Swap()
        {
            (Current, Next) = (Next, Current);
            (HostCurrent, HostNext) = (HostNext, HostCurrent);
        }
    }

    /// <summary>
    /// Places the values on <paramref name="device"/>: for each trainable tensor its value and AdamW moments
    /// (zeros when <paramref name="state"/> lacks them).
    /// </summary>
    public ParameterStore(ExecutionDevice device, IReadOnlyList<(string Name, long[] Shape)> trainable,
        IReadOnlyDictionary<string, float[]> state)
        : this(trainable, state, device.IsCuda ? new DeviceTransfer(device) : null) { }

    /// <summary>Host arrays when <paramref name="transfer"/> is null, else buffers in its device's memory (the store then owns it).</summary>
    internal ParameterStore(IReadOnlyList<(string Name, long[] Shape)> trainable, IReadOnlyDictionary<string, float[]> state, DeviceTransfer? transfer)
    {
        _transfer = transfer;
        foreach (var (name, shape) in trainable)
            foreach (var suffix in new[] { "", ExpAvg, ExpAvgSq })
            {
                var key = name + suffix;
                var count = shape.Aggregate(1L, (p, d) => p * d);
                var initial = state.TryGetValue(key, out var v) ? v : suffix.Length > 0 ? new float[count] : null;
                if (initial is null) throw new InvalidOperationException($"No initial value for trainable tensor '{name}'.");
                if (initial.Length != count) throw new InvalidOperationException($"'{key}' has {initial.Length} values, shape [{string.Join(",", shape)}] needs {count}.");
                _slots.Add(_transfer is null ? HostSlot(key, shape, initial) : DeviceSlot(key, shape, initial, _transfer));
            }
    }

    public IEnumerable<string> Names => _slots.Select(s => s.Name);

    /// <summary>Binds every tensor's current buffer as an input and its next buffer as the "{name}.updated" output.</summary>
    public void BindForUpdate(OrtIoBinding binding)
    {
        foreach (var s in _slots)
        {
            binding.BindInput(s.Name, s.Current);
            binding.BindOutput(s.Name + Updated, s.Next);
        }
    }

    /// <summary>Binds the current parameter values (no optimizer state) as inputs, e.g. for evaluation.</summary>
    public void BindParameters(OrtIoBinding binding, IReadOnlySet<string> inputs)
    {
        foreach (var s in _slots.Where(s => inputs.Contains(s.Name))) binding.BindInput(s.Name, s.Current);
    }

    /// <summary>After a step: what was written becomes current.</summary>
    public void Swap()
    {
        foreach (var s in _slots) s.Swap();
    }

    /// <summary>Copies every tensor back to the host (checkpoints, export); not on the per-step path.</summary>
    public Dictionary<string, float[]> ReadAll()
    {
        var result = new Dictionary<string, float[]>(StringComparer.Ordinal);
        foreach (var s in _slots)
        {
            result[s.Name] = s.HostCurrent is { } host ? (float[])host.Clone() : _transfer!.Download(s.Current);
        }
        return result;
    }

    /// <summary>Overwrites the current buffers with host values (restoring the best checkpoint for the test split).</summary>
    public void Load(IReadOnlyDictionary<string, float[]> values)
    {
        foreach (var s in _slots.Where(s => values.ContainsKey(s.Name)))
        {
            var v = values[s.Name];
            if (s.HostCurrent is { } host) v.CopyTo(host, 0);
            else _transfer!.Upload(v, s.Current);
        }
    }

    public void Dispose()
    {
        foreach (var s in _slots) { s.Current.Dispose(); s.Next.Dispose(); }
        _slots.Clear();
        _transfer?.Dispose();
    }

    static Slot HostSlot(string name, long[] shape, float[] initial)
    {
        var a = (float[])initial.Clone();
        var b = new float[a.Length];
        return new Slot(name, shape, OrtValue.CreateTensorValueFromMemory(a, shape), OrtValue.CreateTensorValueFromMemory(b, shape), a, b);
    }

    // A device: both buffers in its memory; the initial value is copied up once.
    static Slot DeviceSlot(string name, long[] shape, float[] initial, DeviceTransfer transfer)
    {
        var a = transfer.Allocate(shape);
        var b = transfer.Allocate(shape);
        transfer.Upload(initial, a);
        return new Slot(name, shape, a, b, null, null);
    }
}

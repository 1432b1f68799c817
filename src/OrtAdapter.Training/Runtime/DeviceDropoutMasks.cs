using Microsoft.ML.OnnxRuntime;
using OrtAdapter.Build.Artifacts;
using OrtAdapter.Inference.Runtime;
using OrtAdapter.Onnx;

namespace OrtAdapter.Training.Runtime;

/// <summary>
/// Dropout masks made where the training graph runs (<see cref="DropoutMaskGraph"/> in its own session on that
/// device): a step sends two keys and each site's range and shape, and the masks stay in device memory for the
/// training session to read. Bit for bit the masks <see cref="DropoutMaskGenerator"/> makes on the host.
/// </summary>
public sealed class DeviceDropoutMasks : IDisposable
{
    readonly IReadOnlyList<DropoutMaskSpec> _sites;
    readonly SessionOptions _options;
    readonly InferenceSession _session;
    readonly OrtIoBinding _binding;
    readonly OrtMemoryInfo _memory;
    readonly RunOptions _run = new();

    public DeviceDropoutMasks(IReadOnlyList<DropoutMaskSpec> sites, ExecutionDevice device, string? profilePrefix = null)
    {
        _sites = sites;
        _options = device.CreateSessionOptions(threads: 0);
        if (profilePrefix is not null) (_options.ProfileOutputPathPrefix, _options.EnableProfiling) = (profilePrefix, true);
        _session = new InferenceSession(ModelFile.ToBytes(DropoutMaskGraph.Build(sites)), _options);
        _binding = _session.CreateIoBinding();
        _memory = device.CreateMemoryInfo();
        Device = device;
    }

    public ExecutionDevice Device { get; }

    /// <summary>Bytes the last <see cref="Make"/> sent from the host: the keys, each site's range and shape.</summary>
    public long LastHostBytes { get; private set; }

    /// <summary>
    /// Runs the graph for (seed, step) with each site's <paramref name="shapes"/>; returns one device value per site,
    /// named like the training graph's mask inputs. The caller disposes the values.
    /// </summary>
    public IReadOnlyList<(string Name, OrtValue Value)> Make(IReadOnlyList<long[]> shapes, ulong seed, long step)
    {
        var feeds = new List<OrtValue>();
        try
        {
            _binding.ClearBoundInputs();
            _binding.ClearBoundOutputs();
            void Bind<T>(string name, T[] value, params long[] shape) where T : unmanaged
            {
                var v = OrtValue.CreateTensorValueFromMemory(value, shape);
                feeds.Add(v);
                _binding.BindInput(name, v);
            }
            var (k0, k1) = DropoutMaskGenerator.Keys(seed, step);
            Bind(DropoutMaskGraph.Key0, [k0]);
            Bind(DropoutMaskGraph.Key1, [k1]);
            long offset = 0;
            for (int site = 0; site < _sites.Count; site++)
            {
                var mask = _sites[site].Input;
                var end = offset + shapes[site].Aggregate(1L, (p, d) => p * d);
                if (end > int.MaxValue)
                    throw new InvalidOperationException($"This batch needs {end:N0} or more dropout mask elements; masks made on the device hold at most {int.MaxValue:N0}: lower --batch-size or --max-length.");
                Bind(DropoutMaskGraph.Start(mask), [(int)offset]);
                Bind(DropoutMaskGraph.End(mask), [(int)end]);
                Bind(DropoutMaskGraph.Shape(mask), shapes[site], shapes[site].Length);
                _binding.BindOutputToDevice(mask, _memory);
                offset = end;
            }
            LastHostBytes = feeds.Sum(v => v.GetTensorSizeInBytes());
            _binding.SynchronizeBoundInputs();
            _session.RunWithBinding(_run, _binding);
            _binding.SynchronizeBoundOutputs();
            var outputs = _binding.GetOutputValues();
            return _sites.Select((s, i) => (s.Input, outputs[i])).ToList();
        }
        finally
        {
            foreach (var v in feeds) v.Dispose();
        }
    }

    /// <summary>Ends profiling (when on) and returns the trace file.</summary>
    public string EndProfiling() => _session.EndProfiling();

    public void Dispose()
    {
        _binding.Dispose();
        _session.Dispose();
        _options.Dispose();
        if (Device.IsCuda) _memory.Dispose();
        _run.Dispose();
    }
}

using Microsoft.ML.OnnxRuntime;
using OrtAdapter.Build.Artifacts;
using OrtAdapter.Inference.Runtime;
using OrtAdapter.Onnx;

namespace OrtAdapter.Training.Runtime;

/// <summary>
/// Dropout masks made where the training graph runs (<see cref="DropoutMaskGraph"/> in its own session on that
/// device): a step sends each site's element count, shape and two keys, and the masks stay in device memory for the
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

    public DeviceDropoutMasks(IReadOnlyList<DropoutMaskSpec> sites, ExecutionDevice device)
    {
        _sites = sites;
        _options = device.CreateSessionOptions(threads: 0);
        _session = new InferenceSession(ModelFile.ToBytes(DropoutMaskGraph.Build(sites)), _options);
        _binding = _session.CreateIoBinding();
        _memory = device.CreateMemoryInfo();
        Device = device;
    }

    public ExecutionDevice Device { get; }

    /// <summary>Bytes the last <see cref="Make"/> sent from the host: the sites' counts, shapes and keys.</summary>
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
            for (int site = 0; site < _sites.Count; site++)
            {
                var m = _sites[site].Input;
                var (k0, k1) = DropoutMaskGenerator.Keys(seed, step, site);
                Bind(DropoutMaskGraph.Count(m), [checked((int)shapes[site].Aggregate(1L, (p, d) => p * d))]);
                Bind(DropoutMaskGraph.Shape(m), shapes[site], shapes[site].Length);
                Bind(DropoutMaskGraph.Key0(m), [k0]);
                Bind(DropoutMaskGraph.Key1(m), [k1]);
                _binding.BindOutputToDevice(m, _memory);
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

    public void Dispose()
    {
        _binding.Dispose();
        _session.Dispose();
        _options.Dispose();
        if (Device.IsCuda) _memory.Dispose();
        _run.Dispose();
    }
}

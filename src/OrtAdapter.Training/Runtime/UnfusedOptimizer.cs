using Microsoft.ML.OnnxRuntime;
using OrtAdapter.Build.Optimizer;

namespace OrtAdapter.Training.Runtime;

/// <summary>
/// optimizer_model.onnx as its own session: it reads the parameters, their gradients (left on the device by the
/// training session) and AdamW state, and writes the updated tensors into the parameter store's next buffers.
/// </summary>
sealed class UnfusedOptimizer : IDisposable
{
    readonly InferenceSession _session;
    readonly SessionOptions _options;
    readonly OrtIoBinding _binding;
    readonly ParameterStore _parameters;
    readonly List<string> _gradients;
    readonly HashSet<string> _inputs;
    readonly RunOptions _run = new();

    public UnfusedOptimizer(string path, ExecutionDevice device, int threads, ParameterStore parameters, IEnumerable<string> trainingOutputs)
    {
        _options = device.CreateSessionOptions(threads);
        _session = new InferenceSession(path, _options);
        _binding = _session.CreateIoBinding();
        _parameters = parameters;
        _inputs = _session.InputMetadata.Keys.ToHashSet(StringComparer.Ordinal);
        _gradients = trainingOutputs.Where(o => o.EndsWith(AdamWNames.GradSuffix, StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>Asks the training session to leave every gradient on the device.</summary>
    public void BindGradientOutputs(OrtIoBinding training, OrtMemoryInfo device)
    {
        foreach (var g in _gradients) training.BindOutputToDevice(g, device);
    }

    /// <summary>Runs AdamW on the gradients (in <see cref="BindGradientOutputs"/> order); returns the requested scalars.</summary>
    public IEnumerable<float> Step(IReadOnlyList<(string Name, OrtValue Value)> feeds, IReadOnlyList<OrtValue> gradients, IReadOnlyList<string> scalars)
    {
        _binding.ClearBoundInputs();
        _binding.ClearBoundOutputs();
        foreach (var (name, value) in feeds.Where(f => _inputs.Contains(f.Name))) _binding.BindInput(name, value);
        for (int i = 0; i < _gradients.Count; i++) _binding.BindInput(_gradients[i], gradients[i]);
        foreach (var name in scalars) _binding.BindOutputToDevice(name, OrtMemoryInfo.DefaultInstance);
        _parameters.BindForUpdate(_binding);
        _binding.SynchronizeBoundInputs();
        _session.RunWithBinding(_run, _binding);
        _binding.SynchronizeBoundOutputs();
        using var outputs = _binding.GetOutputValues();
        return outputs.Take(scalars.Count).Select(v => v.GetTensorDataAsSpan<float>()[0]).ToList();
    }

    public void Dispose()
    {
        _binding.Dispose();
        _session.Dispose();
        _options.Dispose();
        _run.Dispose();
    }
}

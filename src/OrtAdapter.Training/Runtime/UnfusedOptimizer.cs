using Microsoft.ML.OnnxRuntime;
using OrtAdapter.Build.Optimizer;
using OrtAdapter.Inference.Runtime;

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
    float[][]? _sums;
    long[][]? _shapes;
    int _accumulated;

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

    /// <summary>
    /// Gradient accumulation: adds one micro-batch's gradients (bound to host memory by the training run) to host sums.
    /// Adapter gradients are small (68k floats for the default recipe), so this copy per micro-batch costs little.
    /// </summary>
    public void Accumulate(IReadOnlyList<OrtValue> gradients)
    {
        _shapes ??= gradients.Select(g => g.GetTensorTypeAndShape().Shape).ToArray();
        _sums ??= gradients.Select(g => new float[g.GetTensorTypeAndShape().ElementCount]).ToArray();
        for (int i = 0; i < gradients.Count; i++)
        {
            var sum = _sums[i];
            var host = gradients[i].GetTensorDataAsSpan<float>();
            for (int k = 0; k < sum.Length; k++) sum[k] += host[k];
        }
        _accumulated++;
    }

    /// <summary>Applies AdamW to the mean of the accumulated gradients, then clears the sums.</summary>
    public IEnumerable<float> StepAccumulated(IReadOnlyList<(string Name, OrtValue Value)> feeds, IReadOnlyList<string> scalars)
    {
        if (_sums is null || _accumulated == 0) throw new InvalidOperationException("No gradients were accumulated before the optimizer step.");
        var means = new List<OrtValue>();
        try
        {
            foreach (var sum in _sums)
            {
                for (int k = 0; k < sum.Length; k++) sum[k] /= _accumulated;
            }
            means.AddRange(_sums.Select((sum, i) => OrtValue.CreateTensorValueFromMemory(sum, _shapes![i])));
            return Step(feeds, means, scalars).ToList();
        }
        finally
        {
            foreach (var m in means) m.Dispose();
            foreach (var sum in _sums) Array.Clear(sum);
            _accumulated = 0;
        }
    }

    public void Dispose()
    {
        _binding.Dispose();
        _session.Dispose();
        _options.Dispose();
        _run.Dispose();
    }
}

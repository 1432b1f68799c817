using Microsoft.ML.OnnxRuntime;
using OrtAdapter.Build.Artifacts;
using OrtAdapter.Build.Optimizer;
using OrtAdapter.Inference.Runtime;
using OrtAdapter.Onnx;

namespace OrtAdapter.Training.Runtime;

/// <summary>
/// The training and eval sessions of one artifacts folder on one device. Frozen weights exist once (memory-mapped,
/// shared through AddInitializer and one pre-packed weights container); trainable tensors and optimizer state stay
/// on the device (<see cref="ParameterStore"/>); each step is bind -> run -> swap, with no host round trip.
/// </summary>
public sealed class AdapterSessions : IDisposable
{
    readonly FrozenWeights _frozen;
    readonly PrePackedWeightsContainer _prepacked = new();
    readonly SessionOptions _trainOptions, _evalOptions;
    readonly InferenceSession _train, _eval;
    readonly OrtIoBinding _trainBinding, _evalBinding;
    readonly HashSet<string> _trainInputs, _evalInputs;
    readonly UnfusedOptimizer? _optimizer;
    readonly RunOptions _run = new();
    readonly OrtMemoryInfo _deviceMemory;
    readonly DeviceDropoutMasks? _deviceMasks;

    AdapterSessions(string folder, ArtifactManifest manifest, ExecutionDevice device, int threads, IReadOnlyDictionary<string, float[]> state, string? profilePrefix)
    {
        Manifest = manifest;
        Device = device;
        _deviceMemory = device.CreateMemoryInfo();
        var trainModel = ModelFile.Load(Path.Combine(folder, manifest.TrainingModel), loadExternalData: false);
        _frozen = FrozenWeights.Open(folder, trainModel, manifest.FrozenWeights);
        _trainOptions = device.CreateSessionOptions(threads);
        _evalOptions = device.CreateSessionOptions(threads);
        if (profilePrefix is not null)
        {
            // ONNX Runtime's profiler: one JSON trace per session (chrome://tracing), written when the session ends.
            _trainOptions.ProfileOutputPathPrefix = profilePrefix + "-train";
            _evalOptions.ProfileOutputPathPrefix = profilePrefix + "-eval";
            _trainOptions.EnableProfiling = _evalOptions.EnableProfiling = true;
        }
        // A GPU session copies the weights into device memory from the file itself: host buffers would be refused.
        if (!device.IsCuda)
        {
            _frozen.AddTo(_trainOptions);
            _frozen.AddTo(_evalOptions);
        }
        // On CPU every external tensor is supplied by AddInitializer (the runtime still resolves the file path to validate it).
        try
        {
            _train = new InferenceSession(Path.Combine(folder, manifest.TrainingModel), _trainOptions, _prepacked);
            _eval = new InferenceSession(Path.Combine(folder, manifest.EvalModel), _evalOptions, _prepacked);
        }
        catch (OnnxRuntimeException e) when (device.IsCuda)
        {
            // The first CUDA session is where a missing GPU or a driver too old for CUDA 13 shows.
            throw new InvalidOperationException(CudaProvider.Explain(device, e.Message), e);
        }
        if (!device.IsCuda) _frozen.ReleaseReadPages();
        _trainBinding = _train.CreateIoBinding();
        _evalBinding = _eval.CreateIoBinding();
        _trainInputs = _train.InputMetadata.Keys.ToHashSet(StringComparer.Ordinal);
        _evalInputs = _eval.InputMetadata.Keys.ToHashSet(StringComparer.Ordinal);
        var trainable = manifest.Trainable.Select(t => (t.Name, t.Dims.Select(d => long.Parse(d, System.Globalization.CultureInfo.InvariantCulture)).ToArray())).ToList();
        Parameters = new ParameterStore(device, trainable, state);
        // On a GPU the masks are made there: a step then sends only the batch and a few scalars.
        if (device.IsCuda && manifest.DropoutMasks.Count > 0) _deviceMasks = new DeviceDropoutMasks(manifest.DropoutMasks, device, profilePrefix is null ? null : profilePrefix + "-masks");
        if (manifest.OptimizerModel is { } optimizerFile)
            _optimizer = new UnfusedOptimizer(Path.Combine(folder, optimizerFile), device, threads, Parameters, _train.OutputMetadata.Keys);
    }

    public static AdapterSessions Open(string folder, ExecutionDevice device, int threads, IReadOnlyDictionary<string, float[]> state, string? profilePrefix = null,
        Action<string>? log = null)
    {
        var manifest = ArtifactManifest.Load(folder);
        FrozenWeightsFile.EnsureValid(folder, manifest, log);
        return new(folder, manifest, device, threads, state, profilePrefix);
    }

    public ArtifactManifest Manifest { get; }
    public ExecutionDevice Device { get; }
    public ParameterStore Parameters { get; }
    public long FrozenBytes => _frozen.Bytes;

    /// <summary>A feed builder for these sessions (dropout masks made on this device).</summary>
    public FeedBuilder NewFeeds() => new(Manifest, _deviceMasks);

    /// <summary>
    /// One training step (forward, loss, backward, AdamW): binds the batch feeds and the parameters, runs, swaps
    /// parameter buffers, and returns the requested scalar outputs (loss, loss terms, grad norm). With a fused
    /// optimizer this is one Run; otherwise the gradients stay on the device and feed the optimizer session.
    /// </summary>
    public float[] TrainStep(IReadOnlyList<(string Name, OrtValue Value)> feeds, IReadOnlyList<string> scalarOutputs)
    {
        var trainScalars = scalarOutputs.Where(_train.OutputMetadata.ContainsKey).ToList();
        using var outputs = RunTraining(feeds, trainScalars, updateInPlace: _optimizer is null);
        var values = new Dictionary<string, float>(StringComparer.Ordinal);
        for (int i = 0; i < trainScalars.Count; i++) values[trainScalars[i]] = outputs[i].GetTensorDataAsSpan<float>()[0];
        if (_optimizer is not null)
        {
            var rest = scalarOutputs.Except(trainScalars).ToList();
            var fromOptimizer = _optimizer.Step(feeds, outputs.Skip(trainScalars.Count).ToList(), rest).ToList();
            for (int i = 0; i < rest.Count; i++) values[rest[i]] = fromOptimizer[i];
        }
        Parameters.Swap();
        return scalarOutputs.Select(n => values[n]).ToArray();
    }

    /// <summary>
    /// Gradient accumulation, first half: forward + backward of one micro-batch, gradients added to the sums;
    /// returns the requested scalars of the training graph. Needs artifacts with a separate optimizer graph.
    /// </summary>
    public float[] AccumulateGradients(IReadOnlyList<(string Name, OrtValue Value)> feeds, IReadOnlyList<string> scalarOutputs)
    {
        var optimizer = _optimizer ?? throw new InvalidOperationException(
            "Gradient accumulation needs artifacts with a separate optimizer graph: build them with --unfused-optimizer.");
        using var outputs = RunTraining(feeds, scalarOutputs, updateInPlace: false, gradientsTo: OrtMemoryInfo.DefaultInstance);
        optimizer.Accumulate(outputs.Skip(scalarOutputs.Count).ToList());
        return outputs.Take(scalarOutputs.Count).Select(v => v.GetTensorDataAsSpan<float>()[0]).ToArray();
    }

    /// <summary>
    /// Runs forward and backward once on <paramref name="feeds"/> (the run's longest batch) and discards the
    /// gradients: parameters, moments and step stay as they were. ONNX Runtime's arena then holds blocks for the
    /// largest step from the start; grown batch by batch as longer ones came, it kept the blocks of each shorter
    /// length besides (one default MiniLM epoch: 1,348 MB after steps of 58, 86, 91 and 100 tokens; 1,065 MB throughout
    /// when sized first). Costs one step's time at the start.
    /// </summary>
    public void ReserveTrainingMemory(IReadOnlyList<(string Name, OrtValue Value)> feeds)
    {
        // The fused graph's gradient norm needs every gradient but no update; the unfused graph outputs the gradients.
        using var discarded = RunTraining(feeds, _optimizer is null ? [AdamWNames.GradNorm] : [], updateInPlace: false);
    }

    /// <summary>
    /// Binds the feeds and the scalar outputs, then either the parameters with their "{name}.updated" buffers (fused
    /// optimizer, <paramref name="updateInPlace"/>) or the parameters alone, with device-resident gradient outputs
    /// when the optimizer is separate, and runs the training graph. Outputs come back in binding order: the scalars first.
    /// </summary>
    IDisposableReadOnlyCollection<OrtValue> RunTraining(IReadOnlyList<(string Name, OrtValue Value)> feeds, IReadOnlyList<string> scalars, bool updateInPlace,
        OrtMemoryInfo? gradientsTo = null)
    {
        _trainBinding.ClearBoundInputs();
        _trainBinding.ClearBoundOutputs();
        foreach (var (name, value) in feeds.Where(f => _trainInputs.Contains(f.Name))) _trainBinding.BindInput(name, value);
        foreach (var name in scalars) _trainBinding.BindOutputToDevice(name, OrtMemoryInfo.DefaultInstance);
        if (updateInPlace) Parameters.BindForUpdate(_trainBinding);
        else
        {
            Parameters.BindParameters(_trainBinding, _trainInputs);
            _optimizer?.BindGradientOutputs(_trainBinding, gradientsTo ?? _deviceMemory);
        }
        _trainBinding.SynchronizeBoundInputs();
        _train.RunWithBinding(_run, _trainBinding);
        _trainBinding.SynchronizeBoundOutputs();
        return _trainBinding.GetOutputValues();
    }

    /// <summary>Gradient accumulation, second half: AdamW on the mean gradient; returns the optimizer's scalars (grad norm).</summary>
    public float[] ApplyAccumulatedGradients(IReadOnlyList<(string Name, OrtValue Value)> feeds, IReadOnlyList<string> scalarOutputs)
    {
        var values = _optimizer!.StepAccumulated(feeds, scalarOutputs).ToArray();
        Parameters.Swap();
        return values;
    }

    /// <summary>Runs the eval graph (no dropout) and copies the named outputs to the host.</summary>
    public float[][] Evaluate(IReadOnlyList<(string Name, OrtValue Value)> feeds, IReadOnlyList<string> outputs)
    {
        _evalBinding.ClearBoundInputs();
        _evalBinding.ClearBoundOutputs();
        foreach (var (name, value) in feeds.Where(f => _evalInputs.Contains(f.Name))) _evalBinding.BindInput(name, value);
        Parameters.BindParameters(_evalBinding, _evalInputs);
        foreach (var name in outputs) _evalBinding.BindOutputToDevice(name, OrtMemoryInfo.DefaultInstance);
        _evalBinding.SynchronizeBoundInputs();
        _eval.RunWithBinding(_run, _evalBinding);
        _evalBinding.SynchronizeBoundOutputs();
        using var values = _evalBinding.GetOutputValues();
        return values.Select(v => v.GetTensorDataAsSpan<float>().ToArray()).ToArray();
    }

    /// <summary>Ends profiling (when on) and returns the trace files written.</summary>
    public IReadOnlyList<string> EndProfiling() => [_train.EndProfiling(), _eval.EndProfiling(), .. _deviceMasks is null ? [] : new[] { _deviceMasks.EndProfiling() }];

    public void Dispose()
    {
        // Bindings and sessions first: they hold references to the parameter buffers, and a device buffer is freed
        // through the allocator that made it, which the parameter store releases with itself.
        _trainBinding.Dispose();
        _evalBinding.Dispose();
        _optimizer?.Dispose();
        _train.Dispose();
        _eval.Dispose();
        Parameters.Dispose();
        _deviceMasks?.Dispose();
        _trainOptions.Dispose();
        _evalOptions.Dispose();
        _prepacked.Dispose();
        _frozen.Dispose();
        _run.Dispose();
        if (Device.IsCuda) _deviceMemory.Dispose();
    }
}

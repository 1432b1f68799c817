using Microsoft.ML.OnnxRuntime;
using OrtAdapter.Inference;
using OrtAdapter.Inference.Runtime;
using OrtAdapter.Inference.Tokenization;

namespace OrtAdapter.Inference.Classification;

/// <summary>
/// An exported OrtAdapter model with its tokenizer: text in, labels and probabilities (or pooled embeddings) out.
/// </summary>
/// <remarks>
/// Thread-safe: every call tokenizes into its own buffers and runs the shared <see cref="InferenceSession"/>,
/// whose <c>Run</c> is safe to call concurrently. Dispose only once no call is in flight.
/// </remarks>
public sealed class TextClassifier : IDisposable
{
    /// <summary>The raw head output [batch, labels].</summary>
    public const string LogitsOutput = "logits";

    /// <summary>The activated head output [batch, labels]; computed here from the logits when a model lacks it.</summary>
    public const string ProbabilitiesOutput = "probabilities";

    /// <summary>The sentence embedding [batch, hidden] that <see cref="Embed"/> returns; optional in an export.</summary>
    public const string PooledOutput = "pooled";

    /// <summary>The truncation length when neither the options nor the model give one.</summary>
    public const int DefaultMaxLength = 128;

    private const string InputIds = "input_ids";
    private const string AttentionMask = "attention_mask";
    private const string TokenTypeIds = "token_type_ids";

    private readonly InferenceSession _session;
    private readonly string[] _inputNames;
    private readonly bool _hasProbabilities;
    private readonly int _batchSize;
    private readonly float _threshold;
    private volatile bool _disposed;

    private TextClassifier(InferenceSession session, ExportMetadata metadata, ITextTokenizer tokenizer, string[] inputNames,
        int maxLength, int batchSize, float threshold, string device)
    {
        _session = session;
        Metadata = metadata;
        Tokenizer = tokenizer;
        _inputNames = inputNames;
        _hasProbabilities = session.OutputMetadata.ContainsKey(ProbabilitiesOutput);
        CanEmbed = session.OutputMetadata.ContainsKey(PooledOutput);
        MaxLength = maxLength;
        _batchSize = batchSize;
        _threshold = threshold;
        Device = device;
    }

    /// <summary>The model file.</summary>
    public string ModelPath => Metadata.ModelPath;

    /// <summary>What the model's metadata records (labels, task, tokenizer source).</summary>
    public ExportMetadata Metadata { get; }

    /// <summary>The label names, one per logit, from the metadata.</summary>
    public IReadOnlyList<string> Labels => Metadata.Labels;

    /// <summary>The head's task, which decides how logits become probabilities.</summary>
    public TaskKind Task => Metadata.Task;

    /// <summary>The tokenizer the model was trained with.</summary>
    public ITextTokenizer Tokenizer { get; }

    /// <summary>The truncation length (special tokens included).</summary>
    public int MaxLength { get; }

    /// <summary>The device the session runs on ("cpu" or "cuda:N").</summary>
    public string Device { get; }

    /// <summary>Whether the model has the <c>pooled</c> output that <see cref="Embed"/> needs.</summary>
    public bool CanEmbed { get; }

    /// <summary>Loads an exported model and the tokenizer its metadata describes.</summary>
    /// <param name="modelPath">The lean .onnx file written by <c>ortadapter export</c>.</param>
    /// <param name="options">Device, threads, batch size, truncation; null for the defaults.</param>
    /// <exception cref="FileNotFoundException">The model does not exist.</exception>
    /// <exception cref="ArgumentException">The options are invalid (e.g. an unknown device).</exception>
    /// <exception cref="InvalidOperationException">CUDA was asked for but the native library has no CUDA provider.</exception>
    /// <exception cref="ModelMetadataException">The model lacks a metadata key, an input or an output; the message names the file and key.</exception>
    /// <exception cref="InvalidDataException">ONNX Runtime cannot load the file.</exception>
    public static TextClassifier Load(string modelPath, ClassifierOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelPath);
        options ??= new ClassifierOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.BatchSize, 1, nameof(options) + "." + nameof(options.BatchSize));
        ArgumentOutOfRangeException.ThrowIfNegative(options.Threads, nameof(options) + "." + nameof(options.Threads));
        if (options.MaxLength is int m) ArgumentOutOfRangeException.ThrowIfLessThan(m, 2, nameof(options) + "." + nameof(options.MaxLength));
        if (!(options.MultiLabelThreshold is > 0f and < 1f))
            throw new ArgumentOutOfRangeException(nameof(options) + "." + nameof(options.MultiLabelThreshold), options.MultiLabelThreshold, "A probability strictly between 0 and 1.");
        if (!File.Exists(modelPath)) throw new FileNotFoundException($"Model '{modelPath}' does not exist.", modelPath);
        var device = ExecutionDevice.Parse(options.Device, options.CudaTf32);

        InferenceSession session;
        using (var sessionOptions = device.CreateSessionOptions(options.Threads))
        {
            try { session = new InferenceSession(modelPath, sessionOptions); }
            catch (OnnxRuntimeException ex) { throw new InvalidDataException($"Model '{modelPath}' could not be loaded by ONNX Runtime: {ex.Message}", ex); }
        }
        try
        {
            var metadata = ExportMetadata.Read(session.ModelMetadata.CustomMetadataMap, modelPath);
            var inputNames = CheckInputs(session, modelPath);
            CheckOutputs(session, metadata);
            var tokenizer = ExportTokenizerLoader.Load(metadata, options.TokenizerDirectory);
            int maxLength = options.MaxLength ?? metadata.MaxLength ?? DefaultMaxLength;
            return new TextClassifier(session, metadata, tokenizer, inputNames, maxLength, options.BatchSize, options.MultiLabelThreshold, device.ToString());
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>Classifies one text, or a text pair.</summary>
    public Prediction Predict(string text, string? pair = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        return PredictBatch([text], pair is null ? null : [pair])[0];
    }

    /// <summary>
    /// Classifies texts (and optional pairs, one per text), <see cref="ClassifierOptions.BatchSize"/> rows per run; rows of
    /// similar length are batched together and padded to the longest of their batch. Results keep the input order.
    /// </summary>
    public IReadOnlyList<Prediction> PredictBatch(IReadOnlyList<string> texts, IReadOnlyList<string>? pairs = null)
    {
        var outputs = _hasProbabilities ? new[] { LogitsOutput, ProbabilitiesOutput } : new[] { LogitsOutput };
        var rows = RunAll(texts, pairs, outputs);
        var predictions = new Prediction[rows.Length];
        for (int i = 0; i < rows.Length; i++)
        {
            float[] logits = rows[i][0];
            float[] probabilities = _hasProbabilities ? rows[i][1] : Activate(logits, Task);
            int best = ArgMax(probabilities);
            IReadOnlyList<string> predicted = Task == TaskKind.MultiLabel
                ? Enumerable.Range(0, probabilities.Length).Where(k => probabilities[k] >= _threshold).Select(k => Labels[k]).ToArray()
                : [Labels[best]];
            predictions[i] = new Prediction(Labels[best], best, probabilities, logits, predicted);
        }
        return predictions;
    }

    /// <summary>The pooled sentence embedding of one text (or pair).</summary>
    /// <exception cref="InvalidOperationException">The model has no <c>pooled</c> output.</exception>
    public float[] Embed(string text, string? pair = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        return EmbedBatch([text], pair is null ? null : [pair])[0];
    }

    /// <summary>The pooled sentence embeddings of texts (and optional pairs), in input order.</summary>
    /// <exception cref="InvalidOperationException">The model has no <c>pooled</c> output.</exception>
    public IReadOnlyList<float[]> EmbedBatch(IReadOnlyList<string> texts, IReadOnlyList<string>? pairs = null)
    {
        if (!CanEmbed)
            throw new InvalidOperationException(
                $"Model '{ModelPath}' has no '{PooledOutput}' output, so it cannot embed (outputs: {string.Join(", ", _session.OutputMetadata.Keys)}). Export it with the pooled output kept.");
        return RunAll(texts, pairs, [PooledOutput]).Select(r => r[0]).ToArray();
    }

    /// <summary>Releases the session.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _session.Dispose();
    }

    /// <summary>Runs every row through the model; result[row][output] is that row's slice of the output.</summary>
    private float[][][] RunAll(IReadOnlyList<string> texts, IReadOnlyList<string>? pairs, string[] outputNames)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(texts);
        if (pairs is not null && pairs.Count != texts.Count)
            throw new ArgumentException($"{pairs.Count} pairs given for {texts.Count} texts: give one per text, or none.", nameof(pairs));
        for (int i = 0; i < texts.Count; i++)
            if (texts[i] is null || pairs is not null && pairs[i] is null)
                throw new ArgumentException($"Text {i} {(texts[i] is null ? "" : "pair ")}is null.", texts[i] is null ? nameof(texts) : nameof(pairs));

        // Similar lengths share a batch, so dynamic padding wastes little; the order is a pure function of the input.
        int[] order = Enumerable.Range(0, texts.Count)
            .OrderBy(i => texts[i].Length + (pairs?[i].Length ?? 0)).ThenBy(i => i).ToArray();
        var result = new float[texts.Count][][];
        for (int start = 0; start < order.Length; start += _batchSize)
        {
            int[] chunk = order[start..Math.Min(order.Length, start + _batchSize)];
            var batch = Tokenizer.EncodeBatch(
                chunk.Select(i => texts[i]).ToArray(), pairs is null ? null : chunk.Select(i => pairs[i]).ToArray(), MaxLength);
            var outputs = Run(batch, outputNames);
            for (int r = 0; r < chunk.Length; r++)
                result[chunk[r]] = outputs.Select(o => o.AsSpan(r * (o.Length / chunk.Length), o.Length / chunk.Length).ToArray()).ToArray();
        }
        return result;
    }

    /// <summary>One session run on one padded batch; returns each output flattened ([batch, n] row-major).</summary>
    private float[][] Run(TokenizedBatch batch, string[] outputNames)
    {
        long[] shape = [batch.BatchSize, batch.SequenceLength];
        var values = new List<OrtValue>(_inputNames.Length);
        try
        {
            foreach (var name in _inputNames)
                values.Add(OrtValue.CreateTensorValueFromMemory(name switch
                {
                    InputIds => batch.InputIds,
                    AttentionMask => batch.AttentionMask,
                    _ => batch.TokenTypeIds,
                }, shape));
            using var runOptions = new RunOptions();
            using var outputs = _session.Run(runOptions, _inputNames, values, outputNames);
            var flat = new float[outputNames.Length][];
            for (int i = 0; i < outputNames.Length; i++)
            {
                var dims = outputs[i].GetTensorTypeAndShape().Shape;
                if (dims.Length != 2 || dims[0] != batch.BatchSize)
                    throw new InvalidDataException(
                        $"Model '{ModelPath}': output '{outputNames[i]}' has shape [{string.Join(", ", dims)}] for a batch of {batch.BatchSize}; expected [batch, n].");
                flat[i] = outputs[i].GetTensorDataAsSpan<float>().ToArray();
            }
            return flat;
        }
        finally
        {
            foreach (var v in values) v.Dispose();
        }
    }

    /// <summary>The token inputs the model declares, in a fixed order; any other input is an error.</summary>
    private static string[] CheckInputs(InferenceSession session, string modelPath)
    {
        var declared = session.InputMetadata;
        foreach (var (name, meta) in declared)
        {
            if (name is not (InputIds or AttentionMask or TokenTypeIds))
                throw new ModelMetadataException(
                    $"Model '{modelPath}' has input '{name}', which a text classifier cannot feed (expected {InputIds}, {AttentionMask}, optionally {TokenTypeIds}). Is it a training or eval graph rather than an export?");
            if (meta.ElementType != typeof(long))
                throw new ModelMetadataException($"Model '{modelPath}': input '{name}' must be int64, not {meta.ElementType.Name}.");
        }
        foreach (var required in new[] { InputIds, AttentionMask })
            if (!declared.ContainsKey(required))
                throw new ModelMetadataException($"Model '{modelPath}' has no '{required}' input (inputs: {string.Join(", ", declared.Keys)}).");
        return new[] { InputIds, AttentionMask, TokenTypeIds }.Where(declared.ContainsKey).ToArray();
    }

    private static void CheckOutputs(InferenceSession session, ExportMetadata metadata)
    {
        var declared = session.OutputMetadata;
        if (!declared.ContainsKey(LogitsOutput))
            throw new ModelMetadataException($"Model '{metadata.ModelPath}' has no '{LogitsOutput}' output (outputs: {string.Join(", ", declared.Keys)}).");
        foreach (var name in new[] { LogitsOutput, ProbabilitiesOutput, PooledOutput })
        {
            if (!declared.TryGetValue(name, out var meta)) continue;
            if (meta.ElementType != typeof(float))
                throw new ModelMetadataException($"Model '{metadata.ModelPath}': output '{name}' must be float, not {meta.ElementType.Name}.");
            if (name != PooledOutput && meta.Dimensions is [_, > 0 and var width] && width != metadata.Labels.Count)
                throw new ModelMetadataException(
                    $"Model '{metadata.ModelPath}': output '{name}' has {width} columns but metadata key '{ExportMetadataKeys.Labels}' names {metadata.Labels.Count} labels.");
        }
    }

    private static float[] Activate(float[] logits, TaskKind task)
    {
        switch (task)
        {
            case TaskKind.MultiLabel:
                return logits.Select(z => 1f / (1f + MathF.Exp(-z))).ToArray();
            case TaskKind.Regression:
                return (float[])logits.Clone();
            default:
                float max = logits.Max();
                double sum = logits.Sum(z => Math.Exp(z - max));
                return logits.Select(z => (float)(Math.Exp(z - max) / sum)).ToArray();
        }
    }

    private static int ArgMax(float[] values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++) if (values[i] > values[best]) best = i;
        return best;
    }
}

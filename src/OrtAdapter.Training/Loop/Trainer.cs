using System.Diagnostics;
using System.Text.Json;
using OrtAdapter.Build.Artifacts;
using OrtAdapter.Build.Checkpoints;
using OrtAdapter.Build.Heads;
using OrtAdapter.Build.Losses;
using OrtAdapter.Build.Optimizer;
using OrtAdapter.Inference;
using OrtAdapter.Inference.Runtime;
using OrtAdapter.Inference.Tokenization;
using OrtAdapter.Training.Batching;
using OrtAdapter.Training.Data;
using OrtAdapter.Training.Metrics;
using OrtAdapter.Training.Reporting;
using OrtAdapter.Training.Runtime;
using OrtAdapter.Training.Schedules;

namespace OrtAdapter.Training.Loop;

/// <summary>
/// The training loop, top to bottom: data and tokenizer; init or resume; the learning-rate function; then one
/// loop that sets the LR, runs a fused step on device-resident parameters, evaluates on dev, keeps the best
/// checkpoint, stops early on patience, and logs. Ends by scoring the best checkpoint on the test split.
/// </summary>
public static class Trainer
{
    public const string LastCheckpoint = "checkpoint-last", BestCheckpoint = "checkpoint-best", MetricsFile = "metrics.jsonl";

    public static TrainResult Run(TrainOptions o, IProgressReporter progress)
    {
        // ---- the run folder: a run is never overwritten or restarted by accident ----
        var lastDir = Path.Combine(o.RunDirectory, LastCheckpoint);
        if (o.Resume && !Checkpoint.Exists(lastDir))
            throw new InvalidOperationException($"--resume: '{o.RunDirectory}' has no {LastCheckpoint} to continue from.");
        if (!o.Resume && Directory.Exists(o.RunDirectory) && Directory.EnumerateFileSystemEntries(o.RunDirectory).Any())
            throw new InvalidOperationException($"--run '{o.RunDirectory}' already holds files: continue that run with --resume, or choose another folder.");

        // ---- data and tokenizer ----
        var manifest = ArtifactManifest.Load(o.Artifacts);
        if (PositionTableSize(o.Artifacts) is { } positions && o.MaxLength > positions)
            throw new ArgumentException($"--max-length {o.MaxLength} is longer than the model's {positions} positions (max_position_embeddings in {Path.Combine(o.Artifacts, "config.json")}).");
        var tokenizer = TextTokenizer.FromModelDirectory(o.Artifacts);
        var splits = DatasetReader.ReadSplits(o.TrainData, o.DevData, o.TestData, o.Data);
        if (splits.BadRows.Count > 0) progress.Log($"skipped {splits.BadRows.Count} bad row{(splits.BadRows.Count == 1 ? "" : "s")} (--skip-bad-rows){(splits.BadRows.Count > 5 ? "; the first 5:" : ":")}");
        foreach (var bad in splits.BadRows.Take(5)) progress.Log($"  {bad}");
        var labelCount = splits.Labels?.Count ?? 1;
        if (o.Data.Task != TaskKind.Regression && labelCount != manifest.NumLabels)
            throw new InvalidOperationException($"The data has {labelCount} labels, the artifacts in '{o.Artifacts}' were built for {manifest.NumLabels}; rebuild them with --labels {labelCount}.");
        var train = BatchCollator.Create(splits.Train, tokenizer, o.Data.Task, labelCount, o.MaxLength);
        var dev = splits.Dev.Count > 0 ? BatchCollator.Create(splits.Dev, tokenizer, o.Data.Task, labelCount, o.MaxLength) : null;
        var test = splits.Test.Count > 0 ? BatchCollator.Create(splits.Test, tokenizer, o.Data.Task, labelCount, o.MaxLength) : null;
        foreach (var (split, collator) in new[] { ("train", train), ("dev", dev), ("test", test) })
            if (collator is not null) CheckVectorInputs(manifest, collator, split, o);
        var plan = new BatchPlan(train.Lengths, new BatchingOptions { BatchSize = o.BatchSize, MaxLength = o.MaxLength, BucketByLength = o.BucketByLength }, o.Seed);
        var accumulation = Math.Max(1, o.GradientAccumulation);
        // A step is one optimizer update over `accumulation` consecutive batches of the plan.
        long totalSteps = (long)o.Epochs * plan.BatchesPerEpoch / accumulation;
        var schedule = new LearningRateSchedule(o.LearningRate, totalSteps, new LearningRateScheduleOptions { WarmupFraction = o.WarmupFraction, Decay = o.Decay });
        var weights = o.LossWeights ?? manifest.LossTerms.Select(t => t.DefaultWeight).ToList();
        if (weights.Count != manifest.LossTerms.Count)
            throw new LossException($"{weights.Count} loss weights given; the artifacts' loss '{manifest.Recipe.Loss}' has {manifest.LossTerms.Count} terms.");
        WeightedLoss.ValidateWeights(weights);
        // Each term is logged under its metric name ("loss_ce").
        var termKeys = manifest.LossTerms.Select(t => t.Metric).ToArray();

        // ---- init or resume: nothing is written until the sessions are up, so a failed start leaves no trace ----
        var record = RunRecord.Of(o, manifest);
        if (o.Resume) RunRecord.CheckResume(o.RunDirectory, record);
        var device = ExecutionDevice.Parse(o.Device, o.CudaTf32);
        var bestDir = Path.Combine(o.RunDirectory, BestCheckpoint);
        var resume = o.Resume;
        var start = Checkpoint.Load(resume ? lastDir : Path.Combine(o.Artifacts, manifest.Checkpoint));
        var state = resume ? RunState.FromCheckpoint(start.State, lastDir) : new RunState();
        using var sessions = AdapterSessions.Open(o.Artifacts, device, o.Threads, ToFloats(start.Tensors), o.ProfilePrefix, progress.Log);
        using var feeds = sessions.NewFeeds();
        Directory.CreateDirectory(o.RunDirectory);
        if (!resume) RunRecord.Write(o.RunDirectory, record);
        var metricsPath = Path.Combine(o.RunDirectory, MetricsFile);
        if (resume && File.Exists(metricsPath)) MetricsLog.TruncateAfter(metricsPath, state.Step);
        using var log = MetricsLog.Open(metricsPath, append: resume);
        progress.Log($"{(resume ? $"resumed at step {state.Step}" : "training")} on {device}: {splits.Train.Count} train / {splits.Dev.Count} dev / {splits.Test.Count} test examples, " +
            $"{totalSteps} steps, {manifest.TrainableParameterCount:N0} trainable parameters, frozen weights {sessions.FrozenBytes / 1e6:F1} MB shared");

        // ---- the loop ----
        var evalEvery = o.EvalEverySteps > 0 ? o.EvalEverySteps : Math.Max(1, plan.BatchesPerEpoch / accumulation);
        var clock = Stopwatch.StartNew();
        var steps = new StepRunner(sessions, feeds, train, plan, manifest, weights, accumulation, o.Seed);
        steps.ReserveMemory();
        long samples = 0, stepsThisRun = 0;
        Dictionary<string, double> bestDev = [];
        while (state.Step < totalSteps && (o.StopAfterSteps is null || stepsThisRun < o.StopAfterSteps))
        {
            var lr = schedule.At(state.Step);
            var outputs = steps.Run(state.Step, lr);
            var step = ++state.Step;
            state.Epoch = outputs.Position.Epoch + 1;
            stepsThisRun++; samples += outputs.Size;
            var rate = samples / clock.Elapsed.TotalSeconds;
            progress.Report(step, totalSteps, state.Epoch, outputs.Loss, rate);
            var stepValues = new Dictionary<string, double> { [MetricNames.Loss] = outputs.Loss };
            for (int k = 0; k < termKeys.Length; k++) stepValues[termKeys[k]] = outputs.Terms[k];
            stepValues["grad_norm"] = outputs.GradNorm;
            stepValues[MetricNames.LearningRate] = lr;
            log.Append(new MetricsEntry(step, state.Epoch, MetricsEntry.TrainSplit, stepValues));
            if (!float.IsFinite(outputs.Loss)) throw new InvalidOperationException($"Loss became {outputs.Loss} at step {step}; lower the learning rate or check the data.");
            // A finite loss with non-finite gradients has just made the weights non-finite: stop before any checkpoint takes them.
            if (!float.IsFinite(outputs.GradNorm))
                throw new InvalidOperationException($"Gradients became {outputs.GradNorm} at step {step} (the loss was {outputs.Loss}); the checkpoints keep the last good weights. Lower the learning rate (--lr) or check the data.");

            var evalDue = step % evalEvery == 0 || step == totalSteps;
            if (evalDue && dev is not null)
            {
                var devMetrics = Evaluate(sessions, dev, weights, manifest, o.EvalBatchSize, out _);
                log.Append(new MetricsEntry(step, state.Epoch, MetricsEntry.DevSplit, devMetrics));
                // Diverged weights give NaN logits whose arg-max still scores: stop before they become "best".
                if (!double.IsFinite(devMetrics[MetricNames.Loss]))
                    throw new InvalidOperationException($"Dev loss became {devMetrics[MetricNames.Loss]} at step {step}; the checkpoints keep the last good weights. Lower the learning rate (--lr) or check the data.");
                var score = Score(devMetrics, o.Data.Task);
                progress.Log($"epoch {state.Epoch} step {step}: dev {Describe(devMetrics)}");
                if (score > state.Best)
                {
                    (state.Best, state.BestEpoch, state.BestStep, state.EvalsWithoutGain, bestDev) = (score, state.Epoch, step, 0, devMetrics);
                    SaveCheckpoint(bestDir, sessions, state, manifest);
                }
                else state.EvalsWithoutGain++;
            }
            var checkpointDue = o.CheckpointEverySteps > 0 ? step % o.CheckpointEverySteps == 0 : evalDue;
            if (checkpointDue || step == totalSteps)
                SaveCheckpoint(lastDir, sessions, state, manifest);
            if (o.Patience > 0 && state.EvalsWithoutGain >= o.Patience) { progress.Log($"early stop: {o.Patience} evaluations without a better dev score"); break; }
        }
        if (o.StopAfterSteps is not null && state.Step < totalSteps) SaveCheckpoint(lastDir, sessions, state, manifest);

        // ---- the best checkpoint on the test split ----
        if (!Checkpoint.Exists(bestDir)) SaveCheckpoint(bestDir, sessions, state with { Epoch = 0, BestStep = state.Step, EvalsWithoutGain = 0 }, manifest);
        if (bestDev.Count == 0 && state.BestStep >= 0) bestDev = ReadBestDev(metricsPath, state.BestStep);
        Dictionary<string, double>? testMetrics = null;
        ClassificationMetrics? confusionSource = null;
        if (test is not null && (o.StopAfterSteps is null || state.Step == totalSteps))
        {
            sessions.Parameters.Load(ToFloats(Checkpoint.Load(bestDir).Tensors));
            testMetrics = Evaluate(sessions, test, weights, manifest, o.EvalBatchSize, out var accumulator);
            confusionSource = accumulator as ClassificationMetrics;
            log.Append(new MetricsEntry(state.Step, state.BestEpoch, MetricsEntry.TestSplit, testMetrics));
        }
        if (o.ProfilePrefix is not null) foreach (var trace in sessions.EndProfiling()) progress.Log($"profile: {trace}");
        var result = new TrainResult(state.Step, state.BestEpoch, state.BestStep, bestDev, testMetrics, samples / Math.Max(clock.Elapsed.TotalSeconds, 1e-9), clock.Elapsed, bestDir);
        WriteReport(o.RunDirectory, o.Artifacts, o.MaxLength, metricsPath, result, confusionSource, splits.Labels);
        return result;
    }

    /// <summary>
    /// The graphs' data inputs that are number lists from the data (a "kd" term's teacher logits [batch, C], a "cosine"
    /// term's target embedding [batch, H], ...): fails before training when a split lacks one or has another width.
    /// </summary>
    static void CheckVectorInputs(ArtifactManifest manifest, BatchCollator data, string split, TrainOptions o)
    {
        foreach (var input in manifest.TrainingInputs.Where(i => i.Source == FeedSource.Data && !Batch.IsTokenOrLabelInput(i.Name)))
        {
            var expected = input.Dims[^1];
            var column = o.Data.VectorColumns.GetValueOrDefault(input.Name);
            if (!data.VectorWidths.TryGetValue(input.Name, out var width))
                throw new LossException(column is null
                    ? $"The artifacts' loss '{manifest.Recipe.Loss}' needs '{input.Name}' [batch, {expected}] from the data: name its column with --input-column {input.Name}=COLUMN."
                    : $"The {split} data has no '{input.Name}' (column '{column}').");
            if (width.ToString(System.Globalization.CultureInfo.InvariantCulture) != expected)
                throw new LossException($"The {split} data's '{input.Name}' (column '{column}') have {width} values per row; the artifacts' loss expects {expected}.");
        }
    }

    /// <summary>Loss, both terms and the task metrics of one split, with the eval graph (no dropout).</summary>
    static Dictionary<string, double> Evaluate(AdapterSessions sessions, BatchCollator data, IReadOnlyList<double> weights, ArtifactManifest manifest,
        int batchSize, out IMetricAccumulator metrics)
    {
        metrics = MetricAccumulator.For(data.Task, data.LabelCount);
        using var feeds = sessions.NewFeeds();
        var terms = manifest.LossTerms.Select(t => t.Output).ToArray();
        var sums = new double[1 + terms.Length];
        for (int start = 0; start < data.Count; start += batchSize)
        {
            var batch = data.Collate(Enumerable.Range(start, Math.Min(batchSize, data.Count - start)).ToArray());
            var outputs = sessions.Evaluate(feeds.Reset().Fill(manifest.EvalInputs, batch, new StepValues(weights)).Feeds, [LossNames.Loss, .. terms, HeadNames.Logits]);
            for (int k = 0; k < sums.Length; k++) sums[k] += outputs[k][0] * batch.Size;
            metrics.Add(outputs[^1], batch);
        }
        var result = new Dictionary<string, double>(metrics.Results()) { [MetricNames.Loss] = sums[0] / data.Count };
        for (int k = 0; k < terms.Length; k++) result[manifest.LossTerms[k].Metric] = sums[k + 1] / data.Count;
        return result;
    }

    static double Score(IReadOnlyDictionary<string, double> m, TaskKind task) => task switch
    {
        TaskKind.Regression => -m[MetricNames.MeanSquaredError],
        TaskKind.MultiLabel => m[MetricNames.MicroF1],
        _ => m[MetricNames.Accuracy],
    };

    static string Describe(IReadOnlyDictionary<string, double> m) => string.Join(", ", m.Select(kv => $"{kv.Key} {kv.Value:F4}"));

    static void SaveCheckpoint(string dir, AdapterSessions sessions, RunState state, ArtifactManifest manifest)
    {
        var tensors = sessions.Parameters.ReadAll().ToDictionary(kv => kv.Key, kv => SafeTensor.Create<float>(kv.Value, [.. ShapeOf(manifest, kv.Key)]));
        Checkpoint.Save(dir, new CheckpointData { Tensors = tensors, State = state.ToCheckpoint(manifest) });
    }

    static long[] ShapeOf(ArtifactManifest manifest, string name)
    {
        var parameter = manifest.Trainable.FirstOrDefault(t => name == t.Name || name.StartsWith(t.Name + ".", StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"'{name}' is not a trainable tensor of the artifacts.");
        return parameter.Dims.Select(long.Parse).ToArray();
    }

    static Dictionary<string, float[]> ToFloats(IReadOnlyDictionary<string, SafeTensor> tensors) =>
        tensors.ToDictionary(kv => kv.Key, kv => kv.Value.ToArray<float>(), StringComparer.Ordinal);

    /// <summary>max_position_embeddings of the artifacts' config.json, when it says.</summary>
    static int? PositionTableSize(string artifacts)
    {
        var path = Path.Combine(artifacts, "config.json");
        if (!File.Exists(path)) return null;
        try
        {
            using var json = JsonDocument.Parse(File.ReadAllText(path));
            return json.RootElement.TryGetProperty("max_position_embeddings", out var v) && v.TryGetInt32(out var n) ? n : null;
        }
        catch (JsonException e) { throw new InvalidDataException($"{path}: not valid JSON ({e.Message}).", e); }
    }

    static Dictionary<string, double> ReadBestDev(string metricsPath, long bestStep) =>
        MetricsLog.Read(metricsPath).LastOrDefault(e => e.Split == MetricsEntry.DevSplit && e.Step == bestStep)?.Values.ToDictionary() ?? [];

    /// <summary>
    /// summary.json records the artifacts folder relative to the run (found when both move together) and in full (found
    /// when only the run moves), so `ortadapter export RUN` finds its graphs.
    /// </summary>
    static void WriteReport(string runDir, string artifacts, int maxLength, string metricsPath, TrainResult result, ClassificationMetrics? test, LabelSet? labels)
    {
        TrainingPlots.WriteCurves(Path.Combine(runDir, "curves.png"), MetricsLog.Read(metricsPath),
            new TrainingPlotOptions { BestStep = result.BestStep >= 0 ? result.BestStep : null });
        if (test is not null) TrainingPlots.WriteConfusion(Path.Combine(runDir, "confusion.png"), test.ConfusionMatrix, labels?.Names, "Confusion matrix (test, best dev checkpoint)");
        var summary = new
        {
            result.Steps, result.BestEpoch, result.BestStep, result.BestDev, result.Test, result.TrainSamplesPerSecond,
            ElapsedSeconds = result.Elapsed.TotalSeconds, Labels = labels?.Names, MaxLength = maxLength,
            Artifacts = Path.GetRelativePath(Path.GetFullPath(runDir), Path.GetFullPath(artifacts)),
            ArtifactsFullPath = Path.GetFullPath(artifacts),
        };
        OrtAdapter.Onnx.AtomicFile.WriteAllText(Path.Combine(runDir, "summary.json"), JsonSerializer.Serialize(summary, ArtifactManifest.Json) + "\n");
    }
}

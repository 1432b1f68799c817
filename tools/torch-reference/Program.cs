// The default recipe trained with libtorch (TorchSharp 0.107, libtorch 2.10 + MKL, eager) on the same base, data and
// tokens as `ortadapter train`: the reference OrtAdapter's accuracy and per-step losses are compared with.
//   same: OrtAdapter's initial adapter and head values, batch order and dropout masks for the seed, so every step
//         must give OrtAdapter's loss up to float rounding (compare with the run's metrics.jsonl);
//   own:  libtorch's initialisation (nn.Linear's), shuffling (randperm) and dropout, from torch.manual_seed(SEED).
// The default recipe only (Houlsby r=16, mean pooling, 0.9 x CE + 0.1 x SupCon, AdamW, batch 32, max length 128), on a
// BERT export with 12 heads (all-MiniLM-L6-v2). Run it with run.sh (a Debian trixie root for libtorch).
// Usage: TorchReference ARTIFACTS BASE_MODEL DATA_DIR SEED same|own OUT.jsonl [EPOCHS=10] [MAX_STEPS]
using System.Globalization;
using System.Text.Json;
using OrtAdapter.Build.Artifacts;
using OrtAdapter.Build.Checkpoints;
using OrtAdapter.Inference;
using OrtAdapter.Inference.Tokenization;
using OrtAdapter.TorchReference;
using OrtAdapter.Training.Batching;
using OrtAdapter.Training.Data;
using OrtAdapter.Training.Schedules;
using TorchSharp;
using static TorchSharp.torch;

try { return Run(args); }
catch (Exception e) when (e is FormatException or IOException or InvalidOperationException or ArgumentException or KeyNotFoundException)
{
    Console.Error.WriteLine($"torch-reference: {e.Message}");
    return 1;
}

static int Run(string[] args)
{
    if (args.Length < 6) { Console.Error.WriteLine("usage: TorchReference ARTIFACTS BASE_MODEL DATA_DIR SEED same|own OUT.jsonl [EPOCHS=10] [MAX_STEPS]"); return 2; }
    var (artifacts, baseModel, dataDir, seed, mode, outPath) = (args[0], args[1], args[2], int.Parse(args[3], CultureInfo.InvariantCulture), args[4], args[5]);
    int epochs = args.Length > 6 ? int.Parse(args[6], CultureInfo.InvariantCulture) : 10;
    long? maxSteps = args.Length > 7 ? long.Parse(args[7], CultureInfo.InvariantCulture) : null;
    if (mode is not ("same" or "own")) { Console.Error.WriteLine($"mode '{mode}': same or own"); return 2; }
    const int BatchSize = 32, MaxLength = 128;
    const double LearningRate = 1e-3;
    torch.set_num_threads(Environment.ProcessorCount);
    torch.manual_seed(seed);

    var manifest = ArtifactManifest.Load(artifacts);
    // Only the default recipe is written here: any other (adapter, pooling, loss, dropout, optimizer) would be compared wrongly.
    if (manifest.Recipe.Hash("") != (ArtifactRecipe.Default with { Seed = manifest.Recipe.Seed }).Hash(""))
        throw new InvalidOperationException($"'{artifacts}' was built with another recipe than the default one, the only recipe this reference implements.");
    var tokenizer = TextTokenizer.FromModelDirectory(artifacts);
    var splits = DatasetReader.ReadSplits(Path.Combine(dataDir, "train.jsonl"), Path.Combine(dataDir, "dev.jsonl"), Path.Combine(dataDir, "test.jsonl"));
    BatchCollator Collator(IReadOnlyList<Example> examples) => BatchCollator.Create(examples, tokenizer, TaskKind.SingleLabel, manifest.NumLabels, MaxLength);
    var (train, dev, test) = (Collator(splits.Train), Collator(splits.Dev), Collator(splits.Test));

    var weights = BaseWeights.Load(baseModel, heads: 12);
    var model = new AdapterModel(weights, bottleneck: (int)weights.Words.shape[1] / 16, manifest.NumLabels);
    if (mode == "same") model.Load(Checkpoint.Load(Path.Combine(artifacts, manifest.Checkpoint)).Tensors.ToDictionary(kv => kv.Key, kv => kv.Value.ToArray<float>()));
    else model.InitLikeTorch();
    var parameters = model.Trainable.Values.ToList();
    var optimizer = optim.AdamW(parameters, lr: LearningRate, beta1: 0.9, beta2: 0.999, eps: 1e-8, weight_decay: 0.01);

    var plan = new BatchPlan(train.Lengths, new BatchingOptions { BatchSize = BatchSize, MaxLength = MaxLength }, seed);
    long totalSteps = (long)epochs * plan.BatchesPerEpoch;
    var schedule = new LearningRateSchedule(LearningRate, totalSteps);
    var rows = new List<int[]>();
    using var log = new StreamWriter(outPath);
    void Write(object entry) { log.WriteLine(JsonSerializer.Serialize(entry)); log.Flush(); }

    double bestDev = double.NegativeInfinity;
    int bestEpoch = 0;
    Dictionary<string, Tensor> best = [];
    var clock = System.Diagnostics.Stopwatch.StartNew();
    for (long step = 0; step < (maxSteps ?? totalSteps); step++)
    {
        using var scope = NewDisposeScope();
        var epoch = (int)(step / plan.BatchesPerEpoch);
        var indices = mode == "same" ? plan.BatchAt(step) : OwnOrder(epoch)[(int)(step % plan.BatchesPerEpoch)];
        var batch = train.Collate(indices);
        var (ids, mask, types, labels) = Tensors(batch);
        IDropout drop = mode == "same" ? FedMasks.For(manifest.DropoutMasks, batch, (ulong)seed, step) : new TorchDropout(0.1);
        var lr = schedule.At(step);
        foreach (var group in optimizer.ParamGroups) group.LearningRate = lr;
        var (logits, pooled) = model.Forward(ids, mask, types, drop);
        var (loss, ce, supcon) = RecipeLoss.Of(logits, pooled, labels);
        optimizer.zero_grad();
        loss.backward();
        var gradNorm = Math.Sqrt(parameters.Sum(p => p.grad!.pow(2).sum().item<float>()));
        optimizer.step();
        Write(new { step = step + 1, epoch = epoch + 1, split = "train", loss = loss.item<float>(), loss_ce = ce.item<float>(), loss_supcon = supcon.item<float>(), grad_norm = gradNorm, lr });
        if ((step + 1) % 10 == 0) Console.Error.WriteLine($"step {step + 1}/{totalSteps} loss {loss.item<float>():F4} {clock.Elapsed:mm\\:ss}");
        if ((step + 1) % plan.BatchesPerEpoch != 0) continue;
        var accuracy = Accuracy(dev);
        Write(new { step = step + 1, epoch = epoch + 1, split = "dev", accuracy });
        Console.Error.WriteLine($"epoch {epoch + 1}: dev accuracy {accuracy:F4}");
        if (accuracy > bestDev)
        {
            (bestDev, bestEpoch) = (accuracy, epoch + 1);
            foreach (var t in best.Values) t.Dispose();
            best = model.Trainable.ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone().DetachFromDisposeScope());
        }
    }
    if (best.Count > 0)
    {
        using (no_grad()) foreach (var (name, p) in model.Trainable) p.copy_(best[name]);
        var accuracy = Accuracy(test);
        Write(new { step = totalSteps, epoch = bestEpoch, split = "test", accuracy, dev_accuracy = bestDev });
        Console.Error.WriteLine($"best dev {bestDev:F4} at epoch {bestEpoch}, test {accuracy:F4}, {clock.Elapsed:mm\\:ss}");
    }
    return 0;

    // libtorch's shuffling of an epoch, cut into batches (the generator is torch's, seeded once by manual_seed).
    IReadOnlyList<int[]> OwnOrder(int epoch)
    {
        while (rows.Count <= epoch) rows.Add(randperm(train.Count).data<long>().Select(i => (int)i).ToArray());
        return rows[epoch].Chunk(BatchSize).ToArray();
    }

    double Accuracy(BatchCollator data)
    {
        using var _ = no_grad();
        int correct = 0;
        for (int start = 0; start < data.Count; start += BatchSize)
        {
            using var scope = NewDisposeScope();
            var batch = data.Collate([.. Enumerable.Range(start, Math.Min(BatchSize, data.Count - start))]);
            var (ids, mask, types, labels) = Tensors(batch);
            var (logits, _) = model.Forward(ids, mask, types, new NoDropout());
            correct += (int)logits.argmax(1).eq(labels).sum().item<long>();
        }
        return (double)correct / data.Count;
    }

    static (Tensor Ids, Tensor Mask, Tensor Types, Tensor Labels) Tensors(Batch batch)
    {
        long[] shape = [batch.Size, batch.Inputs.SequenceLength];
        return (tensor(batch.Inputs.InputIds, shape), tensor(batch.Inputs.AttentionMask, shape), tensor(batch.Inputs.TokenTypeIds, shape), tensor(batch.LabelIds!, [batch.Size]));
    }
}

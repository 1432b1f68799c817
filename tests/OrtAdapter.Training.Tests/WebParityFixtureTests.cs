using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using OrtAdapter.Build.Artifacts;
using OrtAdapter.Training.Batching;
using OrtAdapter.Training.Data;
using OrtAdapter.Training.Runtime;
using OrtAdapter.Training.Schedules;
using OrtAdapter.Training.Tests.Data;

namespace OrtAdapter.Training.Tests;

/// <summary>
/// The browser trainer (web/) must take the same steps as this one, so web/test/fixtures/parity.json holds values computed
/// here by the real code: dropout masks, epoch seeds and <see cref="Random"/> draws, batch plans, splits, data files read
/// into labels and ids, and the learning rate, step and mask key of each step. web/test/*.test.ts assert equality with it.
/// With ORTADAPTER_WRITE_WEB_FIXTURES=1 the fixture is rewritten instead of compared.
/// 64-bit values are strings: JavaScript numbers hold 53 bits.
/// </summary>
[TestClass]
public sealed class WebParityFixtureTests
{
    [TestMethod]
    public void FixtureHoldsWhatTheTrainerComputes()
    {
        var root = TestData.RepoRoot();
        var path = Path.Combine(root, "web", "test", "fixtures", "parity.json");
        var computed = Compute(root);
        if (WebFixture.CommittedOrRewrite(path, () => Format(computed)) is not { } committed) return;
        foreach (var (key, value) in computed)
            Assert.IsTrue(JsonNode.DeepEquals(committed[key], value), $"parity.json '{key}' differs from what the .NET code computes; {WebFixture.Rewrite}.");
        Assert.HasCount(computed.Count, committed);
    }

    static JsonObject Compute(string root) => new()
    {
        ["masks"] = Masks(),
        ["stepMasks"] = StepMasks(root),
        ["epochSeeds"] = EpochSeeds(),
        ["random"] = RandomDraws(),
        ["plans"] = Plans(),
        ["splits"] = Splits(root),
        ["datasets"] = Datasets(root),
        ["schedules"] = Schedules(),
        ["trainerSteps"] = TrainerSteps(),
    };

    /// <summary>One top-level key per line group, one array element per line: readable diffs, modest size.</summary>
    static string Format(JsonObject o)
    {
        var text = new StringBuilder("{\n");
        var i = 0;
        foreach (var (key, value) in o)
        {
            text.Append("  ").Append(JsonSerializer.Serialize(key)).Append(": [\n");
            var items = value!.AsArray();
            for (var k = 0; k < items.Count; k++) text.Append("    ").Append(items[k]!.ToJsonString()).Append(k + 1 < items.Count ? ",\n" : "\n");
            text.Append("  ]").Append(++i < o.Count ? ",\n" : "\n");
        }
        return text.Append("}\n").ToString();
    }

    static string U64(ulong v) => v.ToString(System.Globalization.CultureInfo.InvariantCulture);

    static string U64(long v) => v.ToString(System.Globalization.CultureInfo.InvariantCulture);

    static JsonArray Numbers(IEnumerable<int> values) => [.. values.Select(v => (JsonNode)v)];

    /// <summary>'1' kept, '0' dropped; fails on any value that is neither the scale nor 0.</summary>
    static string Kept(byte[] mask, int length)
    {
        var bits = new StringBuilder(length);
        for (var i = 0; i < length; i++)
        {
            Assert.IsTrue(mask[i] is 0 or 1, $"mask value {mask[i]}");
            bits.Append(mask[i] == 0 ? '0' : '1');
        }
        return bits.ToString();
    }

    /// <summary>FNV-1a (32-bit) over the kept bits, for masks too long to list.</summary>
    static uint Checksum(byte[] mask, int length)
    {
        var h = 2166136261u;
        for (var i = 0; i < length; i++) h = unchecked((h ^ (mask[i] == 0 ? 0u : 1u)) * 16777619u);
        return h;
    }

    static JsonArray Masks()
    {
        var cases = new (ulong Seed, long Step, long Offset, float Rate, int Length)[]
        {
            (0, 0, 0, 0.1f, 96), (42, 1, 0, 0.1f, 96), (42, 2, 5, 0.5f, 64), (unchecked((ulong)(long)-1), 1000, 4294967290L, 0.1f, 64),
            (0x123456789ABCDEF0UL, 123456789012L, (1L << 33) + 3, 0.25f, 64), (7, long.MaxValue, 100, 0.1f, 48), (3, 5, 0, 0f, 16),
            (3, 5, 0, 1e-12f, 16), (3, 5, 0, 0.9999f, 64), (ulong.MaxValue - 5, 3, 17, 0.3f, 40), (11, 17, 12345, 0.1f, 100_003),
        };
        var result = new JsonArray();
        foreach (var (seed, step, offset, rate, length) in cases)
        {
            var mask = new byte[length];
            DropoutMaskGenerator.Fill(mask, length, rate, seed, step, offset);
            var (k0, k1) = DropoutMaskGenerator.Keys(seed, step);
            var scale = rate <= 0f ? 1f : DropoutMaskGenerator.Scale(rate);
            var item = new JsonObject
            {
                ["seed"] = U64(seed), ["step"] = U64(step), ["offset"] = U64(offset), ["rate"] = rate, ["length"] = length,
                ["k0"] = k0, ["k1"] = k1, ["threshold"] = DropoutMaskGenerator.Threshold(rate),
                ["scaleBits"] = BitConverter.SingleToUInt32Bits(scale),
                ["hashes"] = new JsonArray([.. new uint[] { 0, 1, 2, 0x7FFFFFFF, 0xFFFFFFFF }.Select(i => (JsonNode)new JsonArray(i, DropoutMaskGenerator.Hash(i, k0, k1)))]),
                ["checksum"] = Checksum(mask, length),
                ["keptCount"] = mask.Take(length).Count(v => v != 0),
            };
            if (length <= 100) item["kept"] = Kept(mask, length);
            result.Add(item);
        }
        return result;
    }

    /// <summary>All sites of a step of the bundled MiniLM recipe, by FeedBuilder (site k starts where site k-1 ended).</summary>
    static JsonArray StepMasks(string root)
    {
        var manifest = ArtifactManifest.Load(Path.Combine(root, "graphs", "all-minilm-l6-v2", "default"));
        var sites = new JsonArray([.. manifest.DropoutMasks.Select(s => (JsonNode)new JsonObject
        {
            ["input"] = s.Input, ["dims"] = new JsonArray([.. s.Dims.Select(d => (JsonNode)d)]), ["rate"] = s.Rate,
        })]);
        var result = new JsonArray();
        foreach (var (batch, sequence, seed, step) in new (int, int, ulong, long)[] { (2, 3, 0, 0), (3, 5, unchecked((ulong)-3L), 41) })
        {
            using var feeds = new FeedBuilder(manifest).DropoutMasks(batch, sequence, seed, step);
            var masks = new JsonArray();
            foreach (var (name, value) in feeds.Feeds)
            {
                var data = value.GetTensorDataAsSpan<byte>().ToArray();
                masks.Add(new JsonObject
                {
                    ["input"] = name, ["shape"] = new JsonArray([.. value.GetTensorTypeAndShape().Shape.Select(d => (JsonNode)d)]),
                    ["checksum"] = Checksum(data, data.Length), ["keptCount"] = data.Count(v => v != 0),
                    ["first"] = Kept(data, Math.Min(40, data.Length)),
                });
            }
            result.Add(new JsonObject { ["sites"] = sites.DeepClone(), ["batch"] = batch, ["sequence"] = sequence, ["seed"] = U64(seed), ["step"] = U64(step), ["masks"] = masks });
        }
        return result;
    }

    static readonly int[] Seeds = [0, 1, 42, -1, -123456, int.MinValue, int.MaxValue];

    static JsonArray EpochSeeds() =>
        [.. Seeds.SelectMany(seed => new[] { 0, 1, 2, 9, int.MaxValue }.Select(epoch => (JsonNode)new JsonObject
        {
            ["seed"] = seed, ["epoch"] = epoch, ["value"] = BatchPlan.EpochSeed(seed, epoch),
        }))];

    /// <summary>new Random(seed).Next(max) for maxima of every size; 130 draws run the 55-entry state round twice.</summary>
    static JsonArray RandomDraws()
    {
        int[] maxima = [1, 2, 3, 10, 1000, 65536, 1_000_003, int.MaxValue];
        var result = new JsonArray();
        foreach (var seed in Seeds.Append(BatchPlan.EpochSeed(0, 0)))
        {
            var random = new Random(seed);
            var max = Enumerable.Range(0, 130).Select(i => maxima[i % maxima.Length]).ToArray();
            result.Add(new JsonObject { ["seed"] = seed, ["max"] = Numbers(max), ["values"] = Numbers(max.Select(m => random.Next(m)).ToArray()) });
        }
        return result;
    }

    static JsonArray Plans()
    {
        int[] lengths = [.. Enumerable.Range(0, 23).Select(i => i * 7 % 13 + 2)];
        var result = new JsonArray();
        foreach (var (batchSize, shuffle, bucket, window) in new (int, bool, bool, int)[] { (4, false, false, 50), (4, true, false, 50), (4, true, true, 2), (5, false, true, 2), (23, true, false, 50), (30, true, true, 1) })
        {
            foreach (var seed in new[] { 0, 42, -7 })
            {
                var plan = new BatchPlan(lengths, new BatchingOptions { BatchSize = batchSize, Shuffle = shuffle, BucketByLength = bucket, BucketWindowBatches = window }, seed);
                result.Add(new JsonObject
                {
                    ["lengths"] = Numbers(lengths), ["batchSize"] = batchSize, ["shuffle"] = shuffle, ["bucketByLength"] = bucket, ["bucketWindowBatches"] = window,
                    ["seed"] = seed, ["batchesPerEpoch"] = plan.BatchesPerEpoch,
                    ["epochs"] = new JsonArray([.. Enumerable.Range(0, 3).Select(e => (JsonNode)new JsonArray([.. plan.Epoch(e).Select(b => (JsonNode)Numbers(b))]))]),
                });
            }
        }
        return result;
    }

    static JsonArray Splits(string root)
    {
        var dev = DatasetReader.Read(Path.Combine(root, "data", "sentiment-uci", "dev.jsonl")).Examples;
        // Identical texts (ties broken by labels, then position), pairs, and the overflow rule on a tiny input.
        List<Example> tiny =
        [
            new("same", null, [1], null, "t:1"), new("same", null, [0], null, "t:2"), new("same", "pair", [0], null, "t:3"),
            new("other", null, [0], null, "t:4"), new("same", null, [1], null, "t:5"), new("", "only pair", [2], null, "t:6"),
        ];
        var result = new JsonArray();
        foreach (var (name, examples) in new[] { ("data/sentiment-uci/dev.jsonl", (IReadOnlyList<Example>)dev), ("tiny", tiny) })
        {
            foreach (var seed in new[] { 0, 7, -5 })
            {
                foreach (var (devFraction, testFraction) in new[] { (0.1, 0.1), (0.15, 0.0), (0.0, 0.3333), (0.5, 0.49), (0.3, 0.25) })
                {
                    var (train, devSplit, test) = DatasetSplitter.Split(examples, devFraction, testFraction, seed);
                    JsonArray Indices(IReadOnlyList<Example> split) => Numbers(split.Select(e => examples.Select((x, i) => (x, i)).First(p => ReferenceEquals(p.x, e)).i));
                    result.Add(new JsonObject
                    {
                        ["source"] = name, ["seed"] = seed, ["devFraction"] = devFraction, ["testFraction"] = testFraction,
                        ["examples"] = name == "tiny" ? new JsonArray([.. tiny.Select(e => (JsonNode)new JsonObject { ["text"] = e.Text, ["textPair"] = e.TextPair, ["labelId"] = e.LabelId })]) : null,
                        ["train"] = Indices(train), ["dev"] = Indices(devSplit), ["test"] = Indices(test),
                    });
                }
            }
        }
        return result;
    }

    /// <summary>The fixture data files read as the trainer reads them: alone, or train with dev (labels from train).</summary>
    static JsonArray Datasets(string root)
    {
        var folder = Path.Combine(root, "web", "test", "fixtures", "data");
        string[][] cases = [["labels.jsonl"], ["ints.jsonl"], ["bad.jsonl"], ["train.csv"], ["bad.csv"], ["data.tsv"], ["nocol.csv"], ["labels.jsonl", "dev.jsonl"], ["bad.jsonl", "labels.jsonl"]];
        var result = new JsonArray();
        foreach (var files in cases)
        {
            foreach (var skip in new[] { false, true })
            {
                var item = new JsonObject { ["files"] = new JsonArray([.. files.Select(f => (JsonNode)f)]), ["skipBadRows"] = skip };
                try
                {
                    var splits = DatasetReader.ReadSplits(Path.Combine(folder, files[0]), files.Length > 1 ? Path.Combine(folder, files[1]) : null, null,
                        new DatasetOptions { SkipBadRows = skip });
                    item["labels"] = new JsonArray([.. splits.Labels!.Names.Select(n => (JsonNode)n)]);
                    item["train"] = Examples(splits.Train);
                    if (files.Length > 1) item["dev"] = Examples(splits.Dev);
                    item["badRows"] = new JsonArray([.. splits.BadRows.Select(b => (JsonNode)new JsonObject { ["file"] = Path.GetFileName(b.File), ["location"] = b.Location, ["reason"] = b.Reason })]);
                }
                catch (DatasetException e)
                {
                    item["error"] = e.Message.Replace(folder + Path.DirectorySeparatorChar, "");
                    item["badRows"] = new JsonArray([.. e.BadRows.Select(b => (JsonNode)new JsonObject { ["file"] = Path.GetFileName(b.File), ["location"] = b.Location, ["reason"] = b.Reason })]);
                }
                result.Add(item);
            }
        }
        return result;
    }

    static JsonArray Examples(IReadOnlyList<Example> examples) =>
        [.. examples.Select(e => (JsonNode)new JsonObject { ["text"] = e.Text, ["textPair"] = e.TextPair, ["labelId"] = e.LabelId, ["origin"] = e.Origin })];

    static JsonArray Schedules()
    {
        var result = new JsonArray();
        foreach (var decay in new[] { LearningRateDecay.Linear, LearningRateDecay.Cosine, LearningRateDecay.Constant })
        {
            foreach (var (total, fraction, lr) in new (long, double, double)[] { (1, 0.1, 1e-3), (7, 0.1, 1e-3), (30, 0.1, 1e-3), (75, 0.1, 1e-3), (750, 0.1, 1e-3), (10, 0, 2e-5), (13, 1, 5e-4), (33, 0.3, 3e-4) })
            {
                var schedule = new LearningRateSchedule(lr, total, new LearningRateScheduleOptions { WarmupFraction = fraction, Decay = decay });
                var w = schedule.WarmupSteps;
                var steps = new SortedSet<long> { 0, 1, 2, 3, w - 2, w - 1, w, w + 1, w + 2, total / 2, total - 2, total - 1, total, total + 5 };
                steps.RemoveWhere(s => s < 0);
                result.Add(new JsonObject
                {
                    ["decay"] = decay.ToString().ToLowerInvariant(), ["totalSteps"] = total, ["warmupFraction"] = fraction, ["peak"] = lr, ["warmupSteps"] = w,
                    ["at"] = new JsonArray([.. steps.Select(s => (JsonNode)new JsonArray(s, schedule.At(s), (double)(float)schedule.At(s)))]),
                });
            }
        }
        return result;
    }

    /// <summary>
    /// What Trainer.Run and StepRunner.Single feed at each global step k (no accumulation; their expressions, as the loop
    /// cannot run without sessions): the plan's batch k, learning_rate (float)schedule.At(k), step k + 1, masks keyed
    /// ((ulong)seed, k); dev is evaluated after steps that are multiples of the batches per epoch, and after the last.
    /// </summary>
    static JsonArray TrainerSteps()
    {
        var result = new JsonArray();
        foreach (var (examples, batchSize, epochs, seed, bucket) in new (int, int, int, int, bool)[] { (37, 8, 3, 5, false), (20, 32, 4, -3, false), (37, 4, 2, 0, true) })
        {
            int[] lengths = [.. Enumerable.Range(0, examples).Select(i => i * 5 % 11 + 3)];
            var plan = new BatchPlan(lengths, new BatchingOptions { BatchSize = batchSize, BucketByLength = bucket }, seed);
            long total = (long)epochs * plan.BatchesPerEpoch;
            var schedule = new LearningRateSchedule(1e-3, total, new LearningRateScheduleOptions { WarmupFraction = 0.1, Decay = LearningRateDecay.Linear });
            var evalEvery = Math.Max(1, plan.BatchesPerEpoch);
            var steps = new JsonArray();
            for (long k = 0; k < total; k++)
            {
                var position = plan.Locate(k);
                steps.Add(new JsonObject
                {
                    ["k"] = k, ["epoch"] = position.Epoch + 1, ["batch"] = position.Batch, ["examples"] = Numbers(plan.BatchAt(k)),
                    ["learningRate"] = (double)(float)schedule.At(k), ["step"] = U64(k + 1), ["maskSeed"] = U64(unchecked((ulong)seed)), ["maskStep"] = U64(k),
                    ["evalAfter"] = (k + 1) % evalEvery == 0 || k + 1 == total,
                });
            }
            result.Add(new JsonObject
            {
                ["lengths"] = Numbers(lengths), ["batchSize"] = batchSize, ["epochs"] = epochs, ["seed"] = seed, ["bucketByLength"] = bucket,
                ["totalSteps"] = total, ["warmupSteps"] = schedule.WarmupSteps, ["steps"] = steps,
            });
        }
        return result;
    }
}

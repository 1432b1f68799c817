using System.CommandLine;
using System.Globalization;
using OrtAdapter.Build.Artifacts;
using OrtAdapter.Build.Export;
using OrtAdapter.Build.Losses;
using OrtAdapter.Training.Data;
using OrtAdapter.Training.Loop;
using OrtAdapter.Training.Reporting;

namespace OrtAdapter.Cli.Verbs;

/// <summary>
/// <c>ortadapter train</c>: with no arguments, trains the default recipe on the bundled model and data with the
/// prebuilt artifacts; other recipe options pick (or build once, cached by hash) matching artifacts.
/// </summary>
public static class TrainVerb
{
    public static Command Create()
    {
        var recipe = new RecipeOptions();
        var artifacts = new Option<string?>("--artifacts") { Description = "Use this artifacts folder as it is (it fixes the recipe: recipe options are refused with it)." };
        var train = new Option<string>("--train") { Description = "Training data (.jsonl, .csv, .tsv, .parquet, .db/.sqlite).", DefaultValueFactory = _ => Workspace.TrainData };
        var dev = new Option<string?>("--dev") { Description = "Dev data (best-epoch selection).", DefaultValueFactory = _ => Workspace.DevData };
        var test = new Option<string?>("--test") { Description = "Test data (scored with the best dev checkpoint).", DefaultValueFactory = _ => Workspace.TestData };
        var text = new Option<string>("--text-column") { DefaultValueFactory = _ => "text", Description = "Text column." };
        var pair = new Option<string?>("--pair-column") { Description = "Second text column for text pairs." };
        var label = new Option<string>("--label-column") { DefaultValueFactory = _ => "label", Description = "Label column." };
        var teacher = new Option<string?>("--teacher-column") { Description = "Column of per-row teacher logits (list of C numbers) for a 'kd' loss term (= --input-column teacher_logits=COLUMN)." };
        var targetEmbedding = new Option<string?>("--target-embedding-column") { Description = "Column of per-row target embeddings (list of H numbers) for a 'cosine' loss term (= --input-column target_embedding=COLUMN)." };
        var inputColumns = new Option<string[]>("--input-column") { Description = "INPUT=COLUMN: a column of per-row number lists fed to the graphs' data input INPUT (repeatable).", Arity = ArgumentArity.ZeroOrMore }.Assignments();
        var table = new Option<string?>("--sqlite-table") { Description = "SQLite table to read." };
        var query = new Option<string?>("--sqlite-query") { Description = "SQLite query to read." };
        var skipBad = new Option<bool>("--skip-bad-rows") { Description = "Report and skip malformed rows instead of stopping." };
        var run = new Option<string?>("--run") { Description = "Run folder (checkpoints, metrics.jsonl, curves.png, summary.json); default runs/<time>." };
        var epochs = new Option<int>("--epochs") { DefaultValueFactory = _ => 10, Description = "Epochs." }.AtLeast(1);
        var batch = new Option<int>("--batch-size") { DefaultValueFactory = _ => 32, Description = "Batch size." }.AtLeast(1);
        var lr = new Option<double>("--lr") { DefaultValueFactory = _ => 1e-3, Description = "Peak learning rate (10% linear warm-up, then linear decay)." }.Positive();
        var accumulate = new Option<int>("--grad-accum") { DefaultValueFactory = _ => 1, Description = "Micro-batches per optimizer step (uses artifacts with a separate optimizer graph)." }.AtLeast(1);
        var bucket = new Option<bool>("--bucket-by-length") { Description = "Group rows of similar length into batches (less padding; batch order still shuffled)." };
        var maxLength = new Option<int>("--max-length") { DefaultValueFactory = _ => 128, Description = "Truncate to this many tokens (batches pad to their longest row)." }.AtLeast(2);
        var seed = new Option<int>("--seed") { DefaultValueFactory = _ => 0, Description = "Seed of data order and dropout." };
        var device = new DeviceOptions();
        var threads = new Option<int>("--threads") { DefaultValueFactory = _ => 0, Description = "Intra-op threads (0 = all cores)." }.AtLeast(0);
        var evalEvery = new Option<int>("--eval-every") { DefaultValueFactory = _ => 0, Description = "Evaluate every N steps (0 = each epoch)." }.AtLeast(0);
        var checkpointEvery = new Option<int>("--checkpoint-every") { DefaultValueFactory = _ => 0, Description = "Checkpoint every N steps (0 = at each evaluation)." }.AtLeast(0);
        var patience = new Option<int>("--patience") { DefaultValueFactory = _ => 0, Description = "Stop after N evaluations without improvement (0 = never)." }.AtLeast(0);
        var weights = new Option<string?>("--loss-weights") { Description = "Override w1,w2 at run time, e.g. 0.8,0.2." }.NumberList();
        var resume = new Option<bool>("--resume") { Description = "Continue the run folder's last checkpoint." };
        var noExport = new Option<bool>("--no-export") { Description = "End with the checkpoint; skip exporting model.onnx and the adapter file." };
        var profile = new Option<string?>("--profile") { Description = "Write ONNX Runtime profiler traces with this path prefix (tools/profile-summary.sh reads them)." };
        var command = new Command("train", "Train an adapter (default: all-MiniLM-L6-v2, bundled sentiment-uci data, default recipe).")
        {
            artifacts, train, dev, test, text, pair, label, teacher, targetEmbedding, inputColumns, table, query, skipBad, run, epochs, batch, lr, maxLength, bucket, accumulate, seed, threads,
            evalEvery, checkpointEvery, patience, weights, resume, noExport, profile,
        };
        foreach (var o in recipe.All.Concat(device.All)) command.Options.Add(o);
        command.SetAction(p =>
        {
            if (p.GetValue(artifacts) is not null && recipe.FirstGiven(p) is { } given)
                throw new ArgumentException($"--artifacts trains with the recipe that folder was built with, so {given} would be ignored: drop {given}, or drop --artifacts to pick artifacts by recipe.");
            using var progress = ProgressReporter.Create();
            // Accumulating gradients over micro-batches needs the optimizer as its own graph.
            var wanted = p.GetValue(accumulate) > 1 ? recipe.Recipe(p) with { FuseOptimizer = false } : recipe.Recipe(p);
            var folder = p.GetValue(artifacts) ?? ArtifactCache.Resolve(recipe.BaseModel(p, progress.Log), wanted, Workspace.PrebuiltArtifacts, Workspace.ArtifactCache, progress.Log).Folder;
            if (p.GetValue(resume) && p.GetValue(run) is null) throw new ArgumentException("--resume needs --run DIR: the run folder to continue.");
            var runDir = p.GetValue(run) ?? NewRunFolder();
            var madeRunDir = p.GetValue(run) is null;
            TrainOptions Options() => new TrainOptions
            {
                Artifacts = folder,
                TrainData = p.GetValue(train)!,
                DevData = p.GetValue(dev),
                TestData = p.GetValue(test),
                Data = new DatasetOptions
                {
                    TextColumn = p.GetValue(text)!, TextPairColumn = p.GetValue(pair), LabelColumn = p.GetValue(label)!,
                    VectorColumns = VectorColumns(p.GetValue(inputColumns), p.GetValue(teacher), p.GetValue(targetEmbedding)),
                    SqliteTable = p.GetValue(table), SqliteQuery = p.GetValue(query), SkipBadRows = p.GetValue(skipBad),
                    Task = ArtifactManifest.Load(folder).Task,
                },
                RunDirectory = runDir,
                Epochs = p.GetValue(epochs), BatchSize = p.GetValue(batch), LearningRate = p.GetValue(lr), MaxLength = p.GetValue(maxLength), BucketByLength = p.GetValue(bucket), GradientAccumulation = p.GetValue(accumulate),
                Seed = p.GetValue(seed), Device = device.DeviceOf(p), CudaTf32 = device.Tf32Of(p), Threads = p.GetValue(threads),
                EvalEverySteps = p.GetValue(evalEvery), CheckpointEverySteps = p.GetValue(checkpointEvery), Patience = p.GetValue(patience),
                LossWeights = OptionChecks.ParseNumbers(p.GetValue(weights)),
                Resume = p.GetValue(resume), ProfilePrefix = p.GetValue(profile),
            };
            TrainResult result;
            try { result = Trainer.Run(Options(), progress); }
            catch when (madeRunDir)
            {
                RemoveIfEmpty(runDir);
                throw;
            }
            Console.WriteLine($"run {runDir}: best dev epoch {result.BestEpoch} ({Format(result.BestDev)}), " +
                $"test {(result.Test is null ? "-" : Format(result.Test))}, {result.TrainSamplesPerSecond:F1} train samples/s, {result.Elapsed:m\\:ss}");
            Console.WriteLine($"best checkpoint: {result.BestCheckpoint}; curves: {Path.Combine(runDir, "curves.png")}");
            if (p.GetValue(noExport)) return 0;
            // The run folder is this run's own: a resumed run replaces the model it exported before.
            var export = ModelExporter.Export(runDir, Path.Combine(runDir, "model.onnx"), new ExportOptions { Overwrite = true });
            Console.WriteLine($"exported {export.ModelPath} ({export.ModelBytes / 1e6:F1} MB) and {export.AdapterPath} ({export.AdapterBytes / 1e3:F0} KB)");
            return 0;
        });
        return command;
    }

    /// <summary>--input-column INPUT=COLUMN pairs with the two shorthands; an input named twice is refused.</summary>
    static Dictionary<string, string> VectorColumns(string[]? assignments, string? teacher, string? targetEmbedding)
    {
        var columns = new Dictionary<string, string>(StringComparer.Ordinal);
        void Add(string input, string column, string option)
        {
            if (!columns.TryAdd(input, column)) throw new ArgumentException($"{option}: data input '{input}' is given a column twice.");
        }
        foreach (var parts in (assignments ?? []).Select(a => a.Split('=', 2))) Add(parts[0], parts[1], "--input-column");
        if (teacher is not null) Add(LossNames.TeacherLogits, teacher, "--teacher-column");
        if (targetEmbedding is not null) Add(LossNames.TargetEmbedding, targetEmbedding, "--target-embedding-column");
        return columns;
    }

    /// <summary>
    /// runs/&lt;time&gt;, or runs/&lt;time&gt;-2, -3, ... when a run started in the same second. Claimed atomically (a
    /// marker file created with CreateNew decides between processes that pick the same name at once), then left empty.
    /// </summary>
    static string NewRunFolder()
    {
        var stem = Path.Combine(Workspace.Runs, DateTime.Now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture));
        for (int i = 1; ; i++)
        {
            var folder = i == 1 ? stem : $"{stem}-{i}";
            if (Directory.Exists(folder)) continue;
            Directory.CreateDirectory(folder);
            var claim = Path.Combine(folder, ".claim");
            try
            {
                using (new FileStream(claim, FileMode.CreateNew, FileAccess.Write)) { }
            }
            catch (IOException) { continue; } // another process got this name first
            File.Delete(claim);
            return folder;
        }
    }

    /// <summary>A run folder this invocation made and left empty (a failed start) is removed again.</summary>
    static void RemoveIfEmpty(string folder)
    {
        try { if (Directory.Exists(folder) && !Directory.EnumerateFileSystemEntries(folder).Any()) Directory.Delete(folder); }
        catch (IOException) { }
    }

    static string Format(IReadOnlyDictionary<string, double> m) =>
        string.Join(", ", m.Where(kv => kv.Key is "accuracy" or "macro_f1" or "mse" or "pearson" or "micro_f1").Select(kv => $"{kv.Key} {kv.Value:F4}"));
}

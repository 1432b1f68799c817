using OrtAdapter.Build.Heads;
using System.CommandLine;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using OrtAdapter.Build.Artifacts;
using OrtAdapter.Onnx;
using Spectre.Console;

namespace OrtAdapter.Cli.Verbs;

/// <summary>
/// <c>ortadapter inspect PATH [--json]</c>: describes an ONNX model (interface, opsets, producer, ops, parameters,
/// largest initializers), or every *.onnx file of a folder. Formatting only; the report is <see cref="ModelReport"/>.
/// </summary>
public static class InspectVerb
{
    static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static Command Create()
    {
        var path = new Argument<string>("path") { Description = "An .onnx model file, or a folder whose *.onnx files are inspected." };
        var json = new Option<bool>("--json") { Description = "Write the report as JSON (for a folder: {folder, artifacts, models}, artifacts null unless it holds manifest.json)." };
        var command = new Command("inspect", "Describe an ONNX model: inputs, outputs, opsets, producer, ops and parameters.") { path, json };
        command.SetAction(parse => Run(parse.GetRequiredValue(path), parse.GetValue(json)));
        return command;
    }

    static int Run(string path, bool json)
    {
        var reports = Collect(path);
        var manifest = Directory.Exists(path) && File.Exists(Path.Combine(path, ArtifactManifest.FileName)) ? ArtifactManifest.Load(path) : null;
        if (json)
        {
            object payload = Directory.Exists(path)
                ? new { Folder = path, Artifacts = manifest is null ? null : new { Files = FolderFiles(path).Select(f => new { f.Name, f.Bytes }), Manifest = manifest }, Models = reports }
                : reports[0];
            Console.Out.WriteLine(JsonSerializer.Serialize(payload, Json));
            return 0;
        }
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Out) });
        if (Console.IsOutputRedirected) console.Profile.Width = 120;
        if (manifest is not null)
        {
            WriteArtifacts(console, path, manifest);
            console.WriteLine();
        }
        for (int i = 0; i < reports.Count; i++)
        {
            if (i > 0) console.WriteLine();
            Write(console, reports[i]);
        }
        return 0;
    }

    static List<ModelReport> Collect(string path)
    {
        if (Directory.Exists(path))
        {
            var files = Directory.GetFiles(path, "*.onnx", SearchOption.TopDirectoryOnly).Order(StringComparer.Ordinal).ToList();
            if (files.Count == 0) throw new OnnxFormatException($"{path}: the folder holds no *.onnx file.");
            return files.Select(Describe).ToList();
        }
        return [Describe(path)];
    }

    // External tensors are measured from their dims; their bytes are not read.
    static ModelReport Describe(string file) => ModelReport.Create(ModelFile.Load(file, loadExternalData: false), file);

    static void Write(IAnsiConsole console, ModelReport r)
    {
        console.Write(new Rule($"[bold]{Markup.Escape(r.Source ?? "model")}[/]").LeftJustified());
        var summary = new Grid().AddColumn().AddColumn();
        summary.AddRow("IR version", N(r.IrVersion));
        summary.AddRow("Producer", Markup.Escape($"{r.ProducerName} {r.ProducerVersion}".Trim() is { Length: > 0 } p ? p : "-"));
        if (r.Domain.Length > 0) summary.AddRow("Domain", Markup.Escape(r.Domain));
        if (r.ModelVersion != 0) summary.AddRow("Model version", N(r.ModelVersion));
        summary.AddRow("Opsets", Markup.Escape(string.Join(", ", r.Opsets.Select(o => $"{o.Domain} {o.Version}"))));
        summary.AddRow("Nodes", N(r.NodeCount));
        summary.AddRow("Parameters", $"{N(r.ParameterCount)} in {N(r.InitializerCount)} initializers, {Bytes(r.ParameterBytes)}"
            + (r.ExternalBytes > 0 ? $" ({Bytes(r.ExternalBytes)} external)" : ""));
        foreach (var (key, value) in r.MetadataProps) summary.AddRow(Markup.Escape($"meta: {key}"), Markup.Escape(Shorten(value)));
        console.Write(summary);

        var io = new Table().Title("Inputs and outputs").AddColumn("Kind").AddColumn("Name").AddColumn("Type");
        foreach (var v in r.Inputs) io.AddRow("input", Markup.Escape(v.Name), Markup.Escape(v.FormatType()));
        foreach (var v in r.Outputs) io.AddRow("output", Markup.Escape(v.Name), Markup.Escape(v.FormatType()));
        console.Write(io);

        var ops = new Table().Title("Ops").AddColumn("Op").AddColumn(new TableColumn("Count").RightAligned());
        foreach (var op in r.OpHistogram) ops.AddRow(Markup.Escape(op.OpType), N(op.Count));
        console.Write(ops);

        if (r.LargestInitializers.Count == 0) return;
        var largest = new Table().Title($"Largest initializers (top {ModelReport.LargestCount})")
            .AddColumn("Name").AddColumn("Type").AddColumn("Shape")
            .AddColumn(new TableColumn("Elements").RightAligned()).AddColumn(new TableColumn("Bytes").RightAligned());
        foreach (var t in r.LargestInitializers)
            largest.AddRow(Markup.Escape(t.Name), t.ElementType, Markup.Escape(t.FormatDims()), N(t.Elements), Bytes(t.Bytes) + (t.External ? " ext" : ""));
        console.Write(largest);
    }

    // Metadata can hold whole files (an exported model embeds its vocabulary): show the start and the size.
    static string Shorten(string value) => value.Length <= 100 ? value : $"{value[..80].ReplaceLineEndings(" ")}… ({value.Length:N0} chars)";

    /// <summary>An artifacts folder (manifest.json): its files with sizes, the trainable tensors and the recipe.</summary>
    static void WriteArtifacts(IAnsiConsole console, string folder, ArtifactManifest m)
    {
        console.Write(new Rule($"[bold]artifacts {Markup.Escape(folder)}[/]").LeftJustified());
        var files = new Table().AddColumn("File").AddColumn(new TableColumn("Size").RightAligned());
        foreach (var (name, bytes) in FolderFiles(folder)) files.AddRow(Markup.Escape(name), Bytes(bytes));
        console.Write(files);
        var grid = new Grid().AddColumn().AddColumn();
        grid.AddRow("Base model", Markup.Escape($"{m.BaseModel} (sha256 {m.BaseModelSha256[..12]}…, opset {m.Opset})"));
        grid.AddRow("Trainable", $"{N(m.TrainableParameterCount)} parameters in {m.Trainable.Count} tensors");
        grid.AddRow("Task", Markup.Escape($"{m.Task.Describe()}, {m.NumLabels} outputs"));
        grid.AddRow("Recipe", Markup.Escape(RecipeText(JsonSerializer.SerializeToElement(m.Recipe, ArtifactManifest.Json))));
        grid.AddRow("Dropout masks", $"{m.DropoutMasks.Count} fed inputs");
        grid.AddRow("Optimizer", m.OptimizerFused ? "AdamW fused into the training graph" : "separate optimizer_model.onnx");
        console.Write(grid);
    }

    /// <summary>"adapter=houlsby(reduction_factor=16, activation=relu), task=single_label, ...": nested objects on one line, a "kind" as their name.</summary>
    static string RecipeText(JsonElement recipe) => string.Join(", ", recipe.EnumerateObject().Select(p => $"{p.Name}={Value(p.Value)}"));

    static string Value(JsonElement v) => v.ValueKind != JsonValueKind.Object ? v.ToString()
        : (v.TryGetProperty("kind", out var kind) ? kind.ToString() : "")
          + "(" + string.Join(", ", v.EnumerateObject().Where(p => p.Name != "kind").Select(p => $"{p.Name}={Value(p.Value)}")) + ")";

    /// <summary>The folder's entries with their sizes (a subfolder as "name/" with its files' total).</summary>
    static IEnumerable<(string Name, long Bytes)> FolderFiles(string folder) =>
        Directory.EnumerateFileSystemEntries(folder).Order(StringComparer.Ordinal).Select(f => File.Exists(f)
            ? (Path.GetFileName(f), new FileInfo(f).Length)
            : (Path.GetFileName(f) + "/", Directory.EnumerateFiles(f, "*", SearchOption.AllDirectories).Sum(x => new FileInfo(x).Length)));

    static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    static string Bytes(long bytes) => bytes switch
    {
        >= 1L << 30 => $"{(bytes / (double)(1L << 30)).ToString("F2", CultureInfo.InvariantCulture)} GiB",
        >= 1L << 20 => $"{(bytes / (double)(1L << 20)).ToString("F2", CultureInfo.InvariantCulture)} MiB",
        >= 1L << 10 => $"{(bytes / (double)(1L << 10)).ToString("F1", CultureInfo.InvariantCulture)} KiB",
        _ => $"{bytes} B",
    };
}

using System.CommandLine;
using OrtAdapter.Build.Export;

namespace OrtAdapter.Cli.Verbs;

/// <summary>
/// <c>ortadapter export RUN_OR_CHECKPOINT [--out model.onnx] [--embedding] [--fp16] [--int8] [--artifacts DIR]</c>:
/// writes the lean inference model and the adapter-only file beside it. The work is <see cref="ModelExporter"/>'s.
/// </summary>
public static class ExportVerb
{
    public static Command Create()
    {
        var source = new Argument<string>("run") { Description = "A run folder (its checkpoint-best is exported), a checkpoint folder or an artifacts folder." };
        var output = new Option<string>("--out") { DefaultValueFactory = _ => "model.onnx", Description = "The lean model to write; the adapter goes beside it as <name>.adapter.safetensors." };
        var artifacts = new Option<string?>("--artifacts") { Description = "Artifacts folder of the checkpoint (default: the one the run's summary.json records)." };
        var embedding = new Option<bool>("--embedding") { Description = "Also output the pooled sentence embedding ('pooled')." };
        var fp16 = new Option<bool>("--fp16") { Description = "Store weights as float16 (computed in float: Cast after each weight)." };
        var overwrite = new Option<bool>("--overwrite") { Description = "Replace the --out file (and its adapter file) when it exists." };
        var int8 = new Option<bool>("--int8") { Description = "Quantize MatMul weights to 8 bits (DynamicQuantizeLinear + MatMulInteger)." };
        var noAdapter = new Option<bool>("--no-adapter-file") { Description = "Do not write the adapter-only file." };
        var command = new Command("export", "Export a trained adapter as a lean ONNX inference model plus an adapter-only safetensors file.")
        {
            source, output, artifacts, embedding, fp16, int8, noAdapter, overwrite,
        };
        command.SetAction(p =>
        {
            var options = new ExportOptions
            {
                Embedding = p.GetValue(embedding), Float16 = p.GetValue(fp16), Int8 = p.GetValue(int8), Overwrite = p.GetValue(overwrite), WriteAdapterFile = !p.GetValue(noAdapter),
            };
            var result = ModelExporter.Export(p.GetRequiredValue(source), p.GetValue(output)!, options, p.GetValue(artifacts));
            Print(result);
            return 0;
        });
        return command;
    }

    internal static void Print(ExportResult r)
    {
        Console.WriteLine($"wrote {r.ModelPath}: {r.ModelBytes / 1e6:F2} MB, {r.Nodes} nodes, {r.Initializers} initializers");
        if (r.AdapterPath is not null) Console.WriteLine($"wrote {r.AdapterPath}: {r.AdapterBytes / 1e3:F1} KB");
    }
}

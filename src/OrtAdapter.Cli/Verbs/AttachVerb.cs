using System.CommandLine;
using OrtAdapter.Build.Export;

namespace OrtAdapter.Cli.Verbs;

/// <summary>
/// <c>ortadapter attach BASE.onnx ADAPTER.safetensors [--out model.onnx] [--embedding] [--fp16] [--int8]</c>:
/// rebuilds the lean inference model from the base model and an adapter file. The work is <see cref="ModelExporter"/>'s.
/// </summary>
public static class AttachVerb
{
    public static Command Create()
    {
        var baseModel = new Argument<string>("base") { Description = "The base encoder .onnx the adapter was trained on (checked by SHA-256)." };
        var adapter = new Argument<string>("adapter") { Description = "An adapter file written by 'ortadapter export' (*.adapter.safetensors)." };
        var output = new Option<string>("--out") { DefaultValueFactory = _ => "model.onnx", Description = "The lean model to write." };
        var embedding = new Option<bool>("--embedding") { Description = "Also output the pooled sentence embedding ('pooled')." };
        var fp16 = new Option<bool>("--fp16") { Description = "Store weights as float16 (computed in float: Cast after each weight)." };
        var overwrite = new Option<bool>("--overwrite") { Description = "Replace the --out file (and its adapter file) when it exists." };
        var int8 = new Option<bool>("--int8") { Description = "Quantize MatMul weights to 8 bits (DynamicQuantizeLinear + MatMulInteger)." };
        var command = new Command("attach", "Rebuild a lean inference model from a base model and an adapter-only file.")
        {
            baseModel, adapter, output, embedding, fp16, int8, overwrite,
        };
        command.SetAction(p =>
        {
            var options = new ExportOptions { Embedding = p.GetValue(embedding), Float16 = p.GetValue(fp16), Int8 = p.GetValue(int8), Overwrite = p.GetValue(overwrite) };
            ExportVerb.Print(ModelExporter.Attach(p.GetRequiredValue(baseModel), p.GetRequiredValue(adapter), p.GetValue(output)!, options));
            return 0;
        });
        return command;
    }
}

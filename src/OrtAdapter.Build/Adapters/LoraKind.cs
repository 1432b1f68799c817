using OrtAdapter.Build.Export;
using OrtAdapter.Build.Surgery;
using OrtAdapter.Onnx;

namespace OrtAdapter.Build.Adapters;

/// <summary>LoRA on the attention projections (<see cref="LoraPass"/>); the lean export merges A·B into the weights.</summary>
public sealed class LoraKind : AdapterKind<LoraOptions>
{
    public override string Name => "lora";
    public override string Summary => "low-rank updates of query and value, merged on export (Hu et al. 2021)";
    public override IReadOnlyList<string> CommandLineOptions => [AdapterSettings.LoraRankOption, AdapterSettings.LoraAlphaOption];

    public override LoraOptions Configure(AdapterSettings s)
    {
        var defaults = new LoraOptions();
        return defaults with { Rank = s.LoraRank ?? defaults.Rank, Alpha = s.LoraAlpha ?? defaults.Alpha };
    }

    public override AdapterPassResult Insert(OnnxGraph graph, EncoderStructure structure, LoraOptions options) =>
        new LoraPass(options).Apply(graph, structure);

    public override int FoldIntoBase(OnnxGraph lean, IReadOnlyCollection<string> trainable) => LoraMergePass.Apply(lean);
}

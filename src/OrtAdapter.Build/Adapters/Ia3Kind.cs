using OrtAdapter.Build.Export;
using OrtAdapter.Build.Surgery;
using OrtAdapter.Onnx;

namespace OrtAdapter.Build.Adapters;

/// <summary>IA³ scale vectors on keys, values and the FFN activation (<see cref="Ia3Pass"/>); the lean export folds them into the weights.</summary>
public sealed class Ia3Kind : AdapterKind<Ia3Options>
{
    public override string Name => "ia3";
    public override string Summary => "learned rescaling of keys, values and FFN activations, folded on export (Liu et al. 2022)";
    public override IReadOnlyList<string> CommandLineOptions => [];

    public override Ia3Options Configure(AdapterSettings s) => new();

    public override AdapterPassResult Insert(OnnxGraph graph, EncoderStructure structure, Ia3Options options) =>
        new Ia3Pass(options).Apply(graph, structure);

    public override int FoldIntoBase(OnnxGraph lean, IReadOnlyCollection<string> trainable) =>
        ChannelScaleFoldPass.Apply(lean, trainable.Where(t => t.EndsWith(Ia3Pass.ScaleSuffix, StringComparison.Ordinal)));
}

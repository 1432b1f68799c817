using OrtAdapter.Build.Surgery;
using OrtAdapter.Onnx;

namespace OrtAdapter.Build.Adapters;

/// <summary>One Pfeiffer bottleneck after each layer's FFN (<see cref="PfeifferAdapterPass"/>); it stays as nodes in the lean model.</summary>
public sealed class PfeifferKind : AdapterKind<BottleneckAdapterOptions>
{
    public override string Name => "pfeiffer";
    public override string Summary => "one bottleneck after the FFN (Pfeiffer et al. 2021)";
    public override IReadOnlyList<string> CommandLineOptions => [AdapterSettings.ReductionOption, AdapterSettings.ActivationOption];

    public override BottleneckAdapterOptions Configure(AdapterSettings s) => HoulsbyKind.Bottleneck(s);

    public override AdapterPassResult Insert(OnnxGraph graph, EncoderStructure structure, BottleneckAdapterOptions options) =>
        new PfeifferAdapterPass(options).Apply(graph, structure);
}

using OrtAdapter.Build.Surgery;
using OrtAdapter.Onnx;

namespace OrtAdapter.Build.Adapters;

/// <summary>Houlsby bottlenecks after each layer's attention and FFN (<see cref="HoulsbyAdapterPass"/>); they stay as nodes in the lean model.</summary>
public sealed class HoulsbyKind : AdapterKind<BottleneckAdapterOptions>
{
    public override string Name => "houlsby";
    public override string Summary => "bottlenecks after attention and FFN (Houlsby et al. 2019)";
    public override IReadOnlyList<string> CommandLineOptions => [AdapterSettings.ReductionOption, AdapterSettings.ActivationOption];

    public override BottleneckAdapterOptions Configure(AdapterSettings s) => Bottleneck(s);

    public override AdapterPassResult Insert(OnnxGraph graph, EncoderStructure structure, BottleneckAdapterOptions options) =>
        new HoulsbyAdapterPass(options).Apply(graph, structure);

    internal static BottleneckAdapterOptions Bottleneck(AdapterSettings s)
    {
        var defaults = new BottleneckAdapterOptions();
        return defaults with { ReductionFactor = s.Reduction ?? defaults.ReductionFactor, Activation = s.Activation ?? defaults.Activation };
    }
}

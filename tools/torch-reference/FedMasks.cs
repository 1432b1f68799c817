using OrtAdapter.Build.Artifacts;
using OrtAdapter.Training.Batching;
using OrtAdapter.Training.Runtime;
using static TorchSharp.torch;

namespace OrtAdapter.TorchReference;

/// <summary>
/// The dropout masks `ortadapter train` feeds its training graph at a step: the same stream (seed, step), cut into the
/// artifacts' sites in their order, scaled by 1/(1 - rate) in float32 as the graph does.
/// </summary>
sealed class FedMasks(IReadOnlyList<Tensor> scaled) : IDropout
{
    public static FedMasks For(IReadOnlyList<DropoutMaskSpec> sites, Batch batch, ulong seed, long step)
    {
        var sizes = new Dictionary<string, long> { ["batch"] = batch.Size, ["sequence"] = batch.Inputs.SequenceLength };
        long offset = 0;
        var masks = new List<Tensor>();
        foreach (var site in sites)
        {
            long[] shape = [.. site.Dims.Select(d => long.TryParse(d, out var v) ? v : sizes[d])];
            var count = (int)shape.Aggregate(1L, (p, d) => p * d);
            var bytes = new byte[count];
            DropoutMaskGenerator.Fill(bytes, count, site.Rate, seed, step, offset);
            offset += count;
            masks.Add(tensor(bytes, shape).to(ScalarType.Float32) * DropoutMaskGenerator.Scale(site.Rate));
        }
        return new FedMasks(masks);
    }

    public Tensor Apply(Tensor x, int site) => x * scaled[site];
}

using OrtAdapter.Testing.Checking;
using OrtAdapter.Build.Losses;
using OrtAdapter.Onnx;
using OrtAdapter.Onnx.Protobuf;

namespace OrtAdapter.Build.Tests.Artifacts;

/// <summary>Batches and random trainable values for running artifact graphs directly.</summary>
static class ArtifactFeeds
{
    public const int Batch = 4, Sequence = 7;

    /// <summary>A batch of 4 rows (one padded), both classes present twice (SupCon needs positives), loss weights 0.9/0.1.</summary>
    public static List<TensorFeed> Batch4(int seed = 1)
    {
        var rng = new Random(seed);
        var ids = new long[Batch * Sequence];
        var mask = new long[Batch * Sequence];
        for (int r = 0; r < Batch; r++)
            for (int t = 0; t < Sequence; t++)
            {
                var real = r != 2 || t < 4; // row 2 is padded after 4 tokens
                ids[r * Sequence + t] = !real ? 0 : t == 0 ? 2 : t == Sequence - 1 ? 3 : rng.Next(1000, 8000);
                mask[r * Sequence + t] = real ? 1 : 0;
            }
        return
        [
            TensorFeed.Of("input_ids", ids, Batch, Sequence),
            TensorFeed.Of("attention_mask", mask, Batch, Sequence),
            TensorFeed.Of("token_type_ids", new long[Batch * Sequence], Batch, Sequence),
            TensorFeed.Of(LossNames.Labels, new long[] { 0, 1, 1, 0 }, Batch),
            TensorFeed.Of(LossNames.Weight(1), new[] { 0.9f }),
            TensorFeed.Of(LossNames.Weight(2), new[] { 0.1f }),
        ];
    }

    /// <summary>Uniform values in [-scale, scale], reproducible per name.</summary>
    public static float[] Random(string name, long count, double scale, int seed)
    {
        var rng = new Random(seed ^ StableHash(name));
        var values = new float[count];
        for (long i = 0; i < count; i++) values[i] = (float)((rng.NextDouble() * 2 - 1) * scale);
        return values;
    }

    /// <summary>
    /// Turns every trainable graph input of <paramref name="model"/> back into an initializer with random values
    /// (the zero-initialised up-projections too), as GradientChecker expects.
    /// </summary>
    public static void RandomTrainables(ModelProto model, IEnumerable<(string Name, long[] Dims)> trainable, double scale, int seed)
    {
        foreach (var (name, dims) in trainable)
        {
            var input = model.Graph.Input.Single(i => i.Name == name);
            model.Graph.Input.Remove(input);
            model.Graph.Initializer.Add(TensorData.FromFloats(name, Random(name, TensorData.ElementCount(dims), scale, seed), dims));
        }
    }

    static int StableHash(string s)
    {
        unchecked
        {
            int h = 17;
            foreach (var c in s) h = h * 31 + c;
            return h;
        }
    }
}

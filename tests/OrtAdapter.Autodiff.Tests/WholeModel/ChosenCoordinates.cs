using Microsoft.ML.OnnxRuntime;
using OrtAdapter.Testing.Checking;
using OrtAdapter.Onnx;
using OrtAdapter.Onnx.Protobuf;
using DataType = OrtAdapter.Onnx.Protobuf.TensorProto.Types.DataType;

namespace OrtAdapter.Autodiff.Tests.WholeModel;

/// <summary>
/// The comparison <see cref="GradientChecker"/> makes, on coordinates the test chooses instead of random ones:
/// a word-embedding table has thousands of rows and only those of the batch's tokens get a gradient.
/// </summary>
static class ChosenCoordinates
{
    public static GradientCheckReport Check(ModelProto model, string loss, string tensor, IReadOnlyList<long> indices,
        IReadOnlyList<TensorFeed> feeds, GradientCheckOptions options)
    {
        var forward = model.Clone();
        var g = new OnnxGraph(forward);
        var init = g.Initializer(tensor)!;
        var feed = init.DataType == (int)DataType.Double
            ? new TensorFeed(tensor, TensorData.ToDoubles(init), [.. init.Dims])
            : new TensorFeed(tensor, TensorData.ToFloats(init), [.. init.Dims]);
        g.RemoveInitializer(tensor);
        forward.Graph.Input.Add(new ValueInfoProto { Name = tensor, Type = TensorType.From(init).ToTypeProto() });

        var withGrads = new OnnxGraph(forward.Clone());
        var gradient = GradientBuilder.Build(withGrads, loss, [tensor]).Gradients[tensor];
        using var sessionOptions = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_DISABLE_ALL };
        using var gradSession = new InferenceSession(ModelFile.ToBytes(withGrads.Model), sessionOptions);
        using var lossSession = new InferenceSession(ModelFile.ToBytes(forward), sessionOptions);

        var analytic = Run(gradSession, [.. feeds, feed], gradient);
        var checks = new List<CoordinateCheck>();
        foreach (var index in indices)
        {
            var numeric = (Run(lossSession, [.. feeds, Shifted(feed, index, options.Step)], loss)[0]
                - Run(lossSession, [.. feeds, Shifted(feed, index, -options.Step)], loss)[0]) / (2 * options.Step);
            var a = analytic[index];
            var error = Math.Abs(a - numeric) / Math.Max(Math.Max(Math.Abs(a), Math.Abs(numeric)), options.Floor);
            checks.Add(new CoordinateCheck(tensor, index, a, numeric, error));
        }
        return new GradientCheckReport(checks, options.Tolerance);
    }

    static TensorFeed Shifted(TensorFeed feed, long index, double delta)
    {
        var data = (Array)feed.Data.Clone();
        switch (data)
        {
            case float[] f: f[index] = (float)(f[index] + delta); break;
            case double[] d: d[index] += delta; break;
        }
        return feed with { Data = data };
    }

    static double[] Run(InferenceSession session, IReadOnlyList<TensorFeed> feeds, string output)
    {
        var inputs = feeds.Select(f => f.ToOrtValue()).ToList();
        try
        {
            using var runOptions = new RunOptions();
            using var results = session.Run(runOptions, feeds.Select(f => f.Name).ToList(), inputs, [output]);
            var v = results[0];
            return v.GetTensorTypeAndShape().ElementDataType == Microsoft.ML.OnnxRuntime.Tensors.TensorElementType.Double
                ? v.GetTensorDataAsSpan<double>().ToArray()
                : [.. v.GetTensorDataAsSpan<float>().ToArray().Select(x => (double)x)];
        }
        finally
        {
            foreach (var v in inputs) v.Dispose();
        }
    }
}

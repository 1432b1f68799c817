using OrtAdapter.Inference;
using OrtAdapter.Onnx;
using OrtAdapter.Onnx.Protobuf;
using DataType = OrtAdapter.Onnx.Protobuf.TensorProto.Types.DataType;

namespace OrtAdapter.Build.Losses;

/// <summary>
/// Softmax cross-entropy on int64 labels, as PyTorch's F.cross_entropy: with label smoothing e the target is
/// (1 - e) one-hot + e / C; with class weights w the mean is weighted, sum_i sum_c w_c q_ic (-log p_ic) / sum_i w_(y_i).
/// </summary>
public sealed class CrossEntropyLoss : LossTerm
{
    /// <param name="labelSmoothing">In [0, 1). Default 0.</param>
    /// <param name="classWeights">One finite, non-negative weight per class, not all zero; null (default) weighs all as 1.</param>
    public CrossEntropyLoss(double labelSmoothing = 0, IReadOnlyList<double>? classWeights = null)
    {
        if (!(labelSmoothing >= 0 && labelSmoothing < 1))
            throw new LossException($"Loss 'ce': label_smoothing must be in [0, 1), got {Format(labelSmoothing)}.");
        if (classWeights is not null)
        {
            if (classWeights.Count == 0) throw new LossException("Loss 'ce': class_weights is empty.");
            for (int i = 0; i < classWeights.Count; i++)
                if (!double.IsFinite(classWeights[i]) || classWeights[i] < 0)
                    throw new LossException($"Loss 'ce': class_weights[{i}] must be a finite number ≥ 0, got {Format(classWeights[i])}.");
            if (classWeights.All(w => w == 0)) throw new LossException("Loss 'ce': class_weights are all zero.");
        }
        LabelSmoothing = labelSmoothing;
        ClassWeights = classWeights?.ToArray();
    }

    public double LabelSmoothing { get; }
    public IReadOnlyList<double>? ClassWeights { get; }

    public override string Name => "ce";
    public override LossNeeds Needs => LossNeeds.Logits | LossNeeds.Labels;
    public override bool Supports(TaskKind task) => task == TaskKind.SingleLabel;

    public override void Check(TaskKind task, long numClasses)
    {
        base.Check(task, numClasses);
        if (ClassWeights is not null && ClassWeights.Count != numClasses)
            throw new LossException($"Loss 'ce': class_weights has {ClassWeights.Count} values, the head has {numClasses} classes.");
    }

    public override string Emit(LossContext c)
    {
        var b = c.B;
        var negLogP = b.Neg(b.LogSoftmax(c.Logits, 1));
        var oneHot = LossMath.OneHot(c, c.Require(c.Labels, "labels", this));
        var target = LabelSmoothing == 0 ? oneHot
            : b.Add(b.Mul(oneHot, c.Scalar(1 - LabelSmoothing)), c.Scalar(LabelSmoothing / c.NumClasses));
        if (ClassWeights is null) return LossMath.Mean(c, LossMath.RowSum(c, b.Mul(target, negLogP)));

        var w = b.Constant(WeightTensor(c.ElemType));
        var numerator = b.ReduceSum(b.Mul(b.Mul(target, w), negLogP), [], keepDims: false);
        var denominator = b.ReduceSum(b.Mul(oneHot, w), [], keepDims: false);
        return b.Div(numerator, denominator);
    }

    TensorProto WeightTensor(int elem) => (DataType)elem == DataType.Double
        ? TensorData.FromDoubles("", [.. ClassWeights!], ClassWeights!.Count)
        : TensorData.FromFloats("", [.. ClassWeights!.Select(v => (float)v)], ClassWeights!.Count);

    protected override IEnumerable<(string Key, string Value)> SpecParameters
    {
        get
        {
            if (LabelSmoothing != 0) yield return ("label_smoothing", Format(LabelSmoothing));
            if (ClassWeights is not null) yield return ("class_weights", string.Join(";", ClassWeights.Select(Format)));
        }
    }
}

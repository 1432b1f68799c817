using OrtAdapter.Inference;

namespace OrtAdapter.Build.Losses;

/// <summary>
/// Knowledge distillation (Hinton et al.): T² · KL(softmax(t / T) || softmax(s / T)), mean over the batch
/// (PyTorch's kl_div "batchmean"); teacher logits t [batch, C] come from a graph input or value.
/// </summary>
public sealed class DistillationLoss : LossTerm
{
    /// <param name="temperature">Softening temperature T &gt; 0. Default 2.</param>
    public DistillationLoss(double temperature = 2) => Temperature = Positive(temperature, "kd", "temperature");

    public double Temperature { get; }

    public override string Name => "kd";
    public override LossNeeds Needs => LossNeeds.Logits | LossNeeds.TeacherLogits;
    public override bool Supports(TaskKind task) => task == TaskKind.SingleLabel;

    public override string Emit(LossContext c)
    {
        var b = c.B;
        var t = c.Scalar(Temperature);
        // log p_teacher via LogSoftmax: p log p stays 0 (not NaN) where a teacher probability underflows.
        var teacher = b.Div(c.Require(c.TeacherLogits, $"teacher logits ('{LossNames.TeacherLogits}')", this), t);
        var logPt = b.LogSoftmax(teacher, 1);
        var logPs = b.LogSoftmax(b.Div(c.Logits, t), 1);
        var kl = LossMath.RowSum(c, b.Mul(b.Exp(logPt), b.Sub(logPt, logPs)));
        return b.Mul(LossMath.Mean(c, kl), c.Scalar(Temperature * Temperature));
    }

    protected override IEnumerable<(string Key, string Value)> SpecParameters
    {
        get { if (Temperature != 2) yield return ("temperature", Format(Temperature)); }
    }
}

using OrtAdapter.Build.Losses;

namespace OrtAdapter.Build.Tests.Losses;

[TestClass]
public sealed class LossSpecTests
{
    [TestMethod]
    public void ParsesEveryTermWithItsParameters()
    {
        var ce = (CrossEntropyLoss)LossSpec.Parse("ce:label_smoothing=0.1");
        Assert.AreEqual(0.1, ce.LabelSmoothing);
        var weighted = (CrossEntropyLoss)LossSpec.Parse("cross_entropy:class_weights=1;2.5;0");
        CollectionAssert.AreEqual(new[] { 1, 2.5, 0 }, weighted.ClassWeights!.ToArray());
        var focal = (FocalLoss)LossSpec.Parse("focal:gamma=2,alpha=0.25");
        Assert.AreEqual(2.0, focal.Gamma);
        Assert.AreEqual(0.25, focal.Alpha);
        Assert.AreEqual(0.1, ((SupConLoss)LossSpec.Parse("supcon:temperature=0.1")).Temperature);
        Assert.AreEqual(0.05, ((InfoNceLoss)LossSpec.Parse("infonce:temperature=0.05")).Temperature);
        Assert.AreEqual(2.0, ((DistillationLoss)LossSpec.Parse("kd:temperature=2")).Temperature);
        Assert.IsInstanceOfType<BceWithLogitsLoss>(LossSpec.Parse("bce"));
        Assert.IsInstanceOfType<MseLoss>(LossSpec.Parse("mse"));
        Assert.IsInstanceOfType<CosineEmbeddingLoss>(LossSpec.Parse(" Cosine "));
    }

    [TestMethod]
    [DataRow("ce")]
    [DataRow("ce:label_smoothing=0.1")]
    [DataRow("ce:label_smoothing=0.05,class_weights=1;2;0.5")]
    [DataRow("focal")]
    [DataRow("focal:gamma=1.5,alpha=0.25")]
    [DataRow("bce")]
    [DataRow("mse")]
    [DataRow("kd:temperature=4")]
    [DataRow("cosine")]
    [DataRow("infonce")]
    [DataRow("infonce:temperature=0.1")]
    [DataRow("supcon")]
    [DataRow("supcon:temperature=0.07")]
    public void CanonicalSpecsRoundTrip(string spec) => Assert.AreEqual(spec, LossSpec.Parse(spec).ToString());

    [TestMethod]
    public void DefaultRecipeIsCrossEntropyPlusSupCon()
    {
        var recipe = LossSpec.Default;
        Assert.HasCount(2, recipe);
        Assert.IsInstanceOfType<CrossEntropyLoss>(recipe[0].Term);
        Assert.AreEqual(0.9, recipe[0].Weight);
        Assert.AreEqual(0.1, ((SupConLoss)recipe[1].Term).Temperature);
        Assert.AreEqual(0.1, recipe[1].Weight);
        Assert.AreEqual("0.9*ce+0.1*supcon", LossSpec.Format(recipe));
    }

    [TestMethod]
    public void ParsesRecipes()
    {
        var recipe = LossSpec.ParseRecipe("0.8*ce:label_smoothing=0.1 + 0.2*infonce:temperature=1e+0");
        Assert.HasCount(2, recipe);
        Assert.AreEqual(0.8, recipe[0].Weight);
        Assert.AreEqual(1.0, ((InfoNceLoss)recipe[1].Term).Temperature);
        var single = LossSpec.ParseRecipe("mse");
        Assert.AreEqual(1.0, single[0].Weight);
        Assert.AreEqual("0.8*ce:label_smoothing=0.1+0.2*infonce:temperature=1", LossSpec.Format(recipe));
    }

    [TestMethod]
    [DataRow("hinge", "Unknown loss 'hinge'")]
    [DataRow("ce:gamma=2", "has no parameter 'gamma'")]
    [DataRow("bce:temperature=1", "takes no parameters")]
    [DataRow("ce:label_smoothing", "has no value")]
    [DataRow("ce:label_smoothing=abc", "must be a number, got 'abc'")]
    [DataRow("ce:label_smoothing=0.1,label_smoothing=0.2", "given twice")]
    [DataRow("ce:label_smoothing=1", "label_smoothing must be in [0, 1)")]
    [DataRow("ce:label_smoothing=-0.1", "label_smoothing must be in [0, 1)")]
    [DataRow("ce:class_weights=1;-2", "class_weights[1] must be a finite number")]
    [DataRow("ce:class_weights=0;0", "class_weights are all zero")]
    [DataRow("focal:gamma=-1", "gamma must be a finite number")]
    [DataRow("focal:alpha=0", "alpha must be a positive number")]
    [DataRow("supcon:temperature=0", "temperature must be a positive number")]
    [DataRow("kd:temperature=NaN", "temperature must be a positive number")]
    [DataRow(":x=1", "no term name")]
    public void RejectsBadTerms(string spec, string message)
    {
        var e = Assert.ThrowsExactly<LossException>(() => LossSpec.Parse(spec));
        Assert.Contains(message, e.Message);
    }

    [TestMethod]
    [DataRow("-0.5*ce+1*supcon", "is negative")]
    [DataRow("NaN*ce", "must be a finite number")]
    [DataRow("0*ce+0*supcon", "All loss weights are zero")]
    [DataRow("x*ce", "is not a number")]
    [DataRow("0.9*ce+", "empty term")]
    public void RejectsBadRecipes(string recipe, string message)
    {
        var e = Assert.ThrowsExactly<LossException>(() => LossSpec.ParseRecipe(recipe));
        Assert.Contains(message, e.Message);
    }

    [TestMethod]
    public void WeightsAreValidatedForSchedulesToo()
    {
        WeightedLoss.ValidateWeights([0, 1]);
        var e = Assert.ThrowsExactly<LossException>(() => WeightedLoss.ValidateWeights([0.5, double.PositiveInfinity]));
        Assert.Contains("loss_weight_2", e.Message);
    }
}

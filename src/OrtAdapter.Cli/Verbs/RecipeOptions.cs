using System.CommandLine;
using OrtAdapter.Build.Adapters;
using OrtAdapter.Build.Artifacts;
using OrtAdapter.Build.Bases;
using OrtAdapter.Build.Heads;
using OrtAdapter.Build.Losses;
using OrtAdapter.Build.Surgery;
using OrtAdapter.Inference;
using OrtAdapter.Inference.Tokenization;

namespace OrtAdapter.Cli.Verbs;

/// <summary>The command-line options that choose an artifacts recipe (shared by build and train).</summary>
sealed class RecipeOptions
{
    readonly Option<string> _base = new("--base")
    {
        Description = $"Base encoder: a known name ({string.Join(", ", KnownBases.All.Select(b => b.Name))}) or an .onnx file whose folder holds vocab.txt, tokenizer_config.json, config.json.",
        DefaultValueFactory = _ => Workspace.BaseModel,
    };
    readonly Option<string> _adapter = new("--adapter")
    {
        Description = "Adapter kind: " + string.Join("; ", AdapterKinds.All.Select(k => $"{k.Name}: {k.Summary}")) + ".",
        DefaultValueFactory = _ => AdapterSpec.Default.Kind.Name,
    };
    readonly Option<int?> _reduction = new Option<int?>(AdapterSettings.ReductionOption) { Description = "Bottleneck reduction factor (houlsby, pfeiffer; default 16)." }.AtLeast(1);
    readonly Option<AdapterActivation?> _activation = new(AdapterSettings.ActivationOption) { Description = "Bottleneck non-linearity: relu, gelu, tanh (houlsby, pfeiffer; default relu)." };
    readonly Option<int?> _loraRank = new Option<int?>(AdapterSettings.LoraRankOption) { Description = "LoRA rank (default 8)." }.AtLeast(1);
    readonly Option<double?> _loraAlpha = new Option<double?>(AdapterSettings.LoraAlphaOption) { Description = "LoRA alpha (default 16)." }.Positive();
    readonly Option<int> _labels = new Option<int>("--labels") { Description = "Number of classes (labels for multi-label, outputs for regression).", DefaultValueFactory = _ => 2 }.AtLeast(1);
    readonly Option<TaskKind> _task = new("--task") { Description = "singlelabel, multilabel or regression.", DefaultValueFactory = _ => TaskKind.SingleLabel };
    readonly Option<PoolingKind?> _pooling = new("--pooling") { Description = "mean or cls (default: what the base was trained for: a known name's, or sentence-transformers' 1_Pooling/config.json beside it; else mean)." };
    readonly Option<double> _headDropout = new Option<double>("--head-dropout") { Description = "Dropout on the pooled vector before the linear head, while training.", DefaultValueFactory = _ => ArtifactRecipe.Default.HeadDropout }.Probability();
    readonly Option<double?> _dropout = new Option<double?>("--dropout") { Description = "Dropout of the base's hidden states and embeddings while training (default: the base's config.json, else 0.1)." }.Probability();
    readonly Option<double?> _attentionDropout = new Option<double?>("--attention-dropout") { Description = "Dropout of the base's attention probabilities while training (default: the base's config.json, else 0.1)." }.Probability();
    readonly Option<string> _loss = new("--loss") { Description = "Weighted loss, e.g. \"0.9*ce+0.1*supcon:temperature=0.1\"; terms: " + string.Join(", ", LossSpec.Names) + ".", DefaultValueFactory = _ => LossSpec.Format(LossSpec.Default) };
    readonly Option<double?> _maxGradNorm = new("--max-grad-norm") { Description = "Clip gradients to this global L2 norm (default: no clipping)." };
    readonly Option<bool> _unfused = new("--unfused-optimizer") { Description = "Write AdamW as a separate optimizer_model.onnx instead of fusing it into the training graph." };
    readonly Option<BasePrecision> _basePrecision = new("--base-precision") { Description = "float32 or int8: the training graph's MatMuls by the frozen base's weights (forward and input gradients) as dynamic int8; eval and export stay float32.", DefaultValueFactory = _ => BasePrecision.Float32 };
    readonly Option<bool> _float32Optimizer = new("--float32-optimizer") { Description = "Compute AdamW's step scalars and gradient norm in float32, not double: a graph with no double value, which onnxruntime-web's WebGPU provider can load." };

    public RecipeOptions() => _adapter.Validators.Add(r =>
    {
        if (r.GetValueOrDefault<string>() is var name && AdapterKinds.Find(name) is null) r.AddError(AdapterKinds.Unknown(name));
    });

    public IEnumerable<Option> All => [_base, _adapter, _reduction, _activation, _loraRank, _loraAlpha, _labels, _task, _pooling, _headDropout, _dropout, _attentionDropout, _loss, _maxGradNorm, _unfused, _float32Optimizer, _basePrecision];

    /// <summary>The first recipe option the command line gives (not left at its default), or null.</summary>
    public string? FirstGiven(ParseResult p) => All.FirstOrDefault(o => p.GetResult(o) is { Implicit: false })?.Name;

    /// <summary>
    /// The base model file: a known name is fetched into the model cache once (and hash-checked). Its folder must hold
    /// a tokenizer, checked here, so that a build never makes artifacts that no run could train.
    /// </summary>
    public string BaseModel(ParseResult p, Action<string>? log = null)
    {
        var path = new BaseModelStore(Workspace.ModelCache, repoRoot: Workspace.Root).Resolve(p.GetValue(_base)!, log);
        try { TextTokenizer.FromModelDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!); }
        catch (FileNotFoundException e) { throw new ArgumentException($"--base {p.GetValue(_base)}: {e.Message}", e); }
        return path;
    }

    public ArtifactRecipe Recipe(ParseResult p) => ArtifactRecipe.Default with
    {
        Adapter = AdapterKinds.Configure(p.GetValue(_adapter)!, new AdapterSettings
        {
            Reduction = p.GetValue(_reduction), Activation = p.GetValue(_activation), LoraRank = p.GetValue(_loraRank), LoraAlpha = p.GetValue(_loraAlpha),
        }),
        NumLabels = p.GetValue(_labels),
        Task = p.GetValue(_task),
        Pooling = p.GetValue(_pooling) ?? BasePooling.Of(p.GetValue(_base)!) ?? PoolingKind.Mean,
        HeadDropout = p.GetValue(_headDropout),
        HiddenDropout = (float?)p.GetValue(_dropout),
        AttentionDropout = (float?)p.GetValue(_attentionDropout),
        Loss = LossSpec.Format(LossSpec.ParseRecipe(p.GetValue(_loss)!)),
        MaxGradNorm = p.GetValue(_maxGradNorm),
        FuseOptimizer = !p.GetValue(_unfused),
        Float32Optimizer = p.GetValue(_float32Optimizer),
        BasePrecision = p.GetValue(_basePrecision),
    };
}

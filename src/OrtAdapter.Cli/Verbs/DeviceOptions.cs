using System.CommandLine;

namespace OrtAdapter.Cli.Verbs;

/// <summary>--device and --cuda-tf32, the same on every verb that runs a model.</summary>
public sealed class DeviceOptions
{
    public Option<string> Device { get; } = new("--device") { DefaultValueFactory = _ => "cpu", Description = "cpu, cuda or cuda:N." };

    public Option<string> CudaTf32 { get; } = new("--cuda-tf32")
    {
        DefaultValueFactory = _ => "off",
        Description = "On CUDA, let MatMul use TF32 tensor cores: on (faster, ~1e-3 relative error) or off (strict float32, as on CPU).",
    };

    public DeviceOptions() => CudaTf32.AcceptOnlyFromAmong("on", "off");

    public IEnumerable<Option> All => [Device, CudaTf32];

    public string DeviceOf(ParseResult p) => p.GetValue(Device)!;
    public bool Tf32Of(ParseResult p) => p.GetValue(CudaTf32) == "on";
}

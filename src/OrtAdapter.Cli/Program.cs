using System.CommandLine;
using OrtAdapter.Cli.Verbs;
using OrtAdapter.Onnx;

namespace OrtAdapter.Cli;

/// <summary>Entry point: one subcommand per verb; user-facing faults become one line on stderr and exit code 1.</summary>
public static class Program
{
    public static int Main(string[] args)
    {
        var root = new RootCommand("OrtAdapter: fine-tune adapters on frozen ONNX encoders with ONNX Runtime.")
        {
            InspectVerb.Create(),
            BuildVerb.Create(),
            TrainVerb.Create(),
            ExportVerb.Create(),
            AttachVerb.Create(),
            PredictVerb.Create(),
            BenchVerb.Create(),
        };
        try
        {
            var parsed = root.Parse(args);
            // Bad options and values: one line each naming the option (the help stays behind --help).
            if (parsed.Errors.Count > 0 && !args.Contains("--help") && !args.Contains("-h"))
            {
                foreach (var error in parsed.Errors) Console.Error.WriteLine($"error: {OneLine(error.Message)}");
                return 1;
            }
            return parsed.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (Exception e) when (IsUserFault(e))
        {
            Console.Error.WriteLine($"error: {OneLine(e.Message)}");
            return 1;
        }
    }

    /// <summary>Faults in what the user gave us (a bad or missing file), as opposed to bugs, which keep their stack trace.</summary>
    static bool IsUserFault(Exception e) =>
        e is OnnxFormatException or OrtAdapter.Training.Data.DatasetException or OrtAdapter.Build.Losses.LossException
            or OrtAdapter.Build.Surgery.EncoderStructureException or OrtAdapter.Build.Checkpoints.CheckpointException
            or OrtAdapter.Build.Checkpoints.SafeTensorsException or OrtAdapter.Build.Export.ExportException or OrtAdapter.Autodiff.GradientException
            or ArgumentException or InvalidOperationException or InvalidDataException or FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException or IOException;

    static string OneLine(string message) =>
        string.Join(" ", message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}

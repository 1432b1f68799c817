using System.CommandLine;
using OrtAdapter.Cli.Verbs;
using OrtAdapter.Onnx;

namespace OrtAdapter.Cli;

/// <summary>
/// Entry point: one subcommand per verb. Every failure reaches the user as one line on stderr and exit code 1; a
/// fault that is not in the user's input (a bug, or a runtime fault) also leaves its full trace in a log file, and
/// <c>--verbose</c> prints it.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        var verbose = new Option<bool>("--verbose") { Description = "Print the full trace of a failure.", Recursive = true };
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
        root.Options.Add(verbose);
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
        catch (Exception e)
        {
            var fault = Innermost(e);
            if (IsUserFault(fault))
                Console.Error.WriteLine($"error: {OneLine(fault.Message)}");
            else
                Console.Error.WriteLine($"error: {OneLine(fault.Message)} ({fault.GetType().Name}; {CrashLog.Write(e, args)})");
            if (args.Contains("--verbose")) Console.Error.WriteLine(e);
            return 1;
        }
    }

    /// <summary>Faults in what the user gave us (a bad or missing file, a bad value), as opposed to bugs and runtime faults.</summary>
    static bool IsUserFault(Exception e) =>
        e is OnnxFormatException or OrtAdapter.Training.Data.DatasetException or OrtAdapter.Build.Losses.LossException
            or OrtAdapter.Build.Surgery.EncoderStructureException or OrtAdapter.Build.Checkpoints.CheckpointException
            or OrtAdapter.Build.Checkpoints.SafeTensorsException or OrtAdapter.Build.Export.ExportException or OrtAdapter.Autodiff.GradientException
            or ArgumentException or InvalidOperationException or InvalidDataException or FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException or IOException;

    /// <summary>Wrappers (a type initializer, a task, reflection) say nothing of their own: report what they wrap.</summary>
    static Exception Innermost(Exception e) =>
        e is TypeInitializationException or AggregateException or System.Reflection.TargetInvocationException && e.InnerException is { } inner ? Innermost(inner) : e;

    static string OneLine(string message) =>
        string.Join(" ", message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}

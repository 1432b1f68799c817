using OrtAdapter.Training.Reporting;
using Spectre.Console;

namespace OrtAdapter.Training.Tests.Reporting;

[TestClass]
public sealed class ProgressReporterTests
{
    [TestMethod]
    public void PlainReporterWritesEveryNStepsAndTheLastWithAnEta()
    {
        var output = new StringWriter();
        var clock = new ManualClock();
        using var reporter = new LineProgressReporter(output, everySteps: 50, clock);

        for (var step = 1; step <= 120; step++)
        {
            reporter.Report(step, 120, (step - 1) / 40, 0.5, 123.44);
            clock.Advance(TimeSpan.FromSeconds(2));
        }
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.HasCount(3, lines);
        // 49 steps in 98 s since step 1: 2 s a step, 70 steps left.
        Assert.AreEqual("step 50/120 (42%) epoch 1 loss 0.5000 123.4 samples/s eta 0:02:20", lines[0]);
        Assert.AreEqual("step 120/120 (100%) epoch 2 loss 0.5000 123.4 samples/s eta 0:00:00", lines[2]);
    }

    [TestMethod]
    public void AResumedRunEstimatesFromItsOwnSteps()
    {
        var output = new StringWriter();
        var clock = new ManualClock();
        using var reporter = new LineProgressReporter(output, everySteps: 10, clock);

        reporter.Report(91, 200, 3, 1.25, 10);
        clock.Advance(TimeSpan.FromSeconds(90));
        reporter.Report(100, 200, 3, 1.0, 10);
        reporter.Log("dev accuracy 0.71");

        Assert.AreEqual("step 100/200 (50%) epoch 3 loss 1.0000 10.0 samples/s eta 0:16:40\ndev accuracy 0.71\n", output.ToString().ReplaceLineEndings("\n"));
    }

    [TestMethod]
    public void TheFirstLineHasNoEstimateYet()
    {
        var output = new StringWriter();
        using var reporter = new LineProgressReporter(output, everySteps: 1, new ManualClock());

        reporter.Report(1, 10, 0, 2.0, 0);

        Assert.EndsWith("eta ?", output.ToString().TrimEnd());
    }

    [TestMethod]
    public void TheSpectreBarRunsBesideTheLoopAndStopsOnDispose()
    {
        var output = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(output),
        });

        using (var reporter = new ConsoleProgressReporter(console))
        {
            for (var step = 1; step <= 20; step++) reporter.Report(step, 20, 0, 0.25, 64);
            reporter.Log("checkpoint saved");
        }

        StringAssert.Contains(output.ToString(), "checkpoint saved");
    }

    [TestMethod]
    public void RedirectedOutputGetsPlainLines()
    {
        using var reporter = ProgressReporter.Create(new ProgressOptions { Interactive = false });

        Assert.IsInstanceOfType<LineProgressReporter>(reporter);
    }
}

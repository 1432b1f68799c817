using System.Globalization;
using OrtAdapter.Training.Metrics;
using ScottPlot;

namespace OrtAdapter.Training.Reporting;

/// <summary>PNG plots of a run, drawn with ScottPlot from metrics.jsonl entries and a confusion matrix.</summary>
public static class TrainingPlots
{
    /// <summary>
    /// curves.png: above, train loss per step (faint), its smoothed curve and dev loss per evaluation; below, the dev
    /// metrics of <see cref="TrainingPlotOptions.DevMetrics"/> per evaluation. Both panels share the step axis.
    /// </summary>
    public static void WriteCurves(string path, IReadOnlyList<MetricsEntry> entries, TrainingPlotOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(entries);
        options ??= new();
        var train = Series(entries, MetricsEntry.TrainSplit, MetricNames.Loss);
        var dev = entries.Where(e => e.Split == MetricsEntry.DevSplit).OrderBy(e => e.Step).ToList();

        var figure = new Multiplot();
        figure.AddPlots(2);
        figure.Layout = new ScottPlot.MultiplotLayouts.Rows();
        var loss = figure.GetPlot(0);
        var metrics = figure.GetPlot(1);
        // The kept checkpoint's step, drawn first so the points stay on top of it.
        if (options.BestStep is { } best)
        {
            foreach (var panel in new[] { loss, metrics })
            {
                var line = panel.Add.VerticalLine(best, 1.5f, Colors.ForestGreen, LinePattern.Dashed);
                line.LegendText = $"best dev (step {best.ToString(CultureInfo.InvariantCulture)}, kept)";
            }
        }

        if (train.Steps.Length > 0)
        {
            var raw = loss.Add.ScatterLine(train.Steps, train.Values, Colors.SteelBlue.WithAlpha(0.3));
            raw.LegendText = "train loss";
            if (options.Smoothing > 0)
            {
                var smooth = loss.Add.ScatterLine(train.Steps, LossSmoothing.ExponentialMovingAverage(train.Values, options.Smoothing), Colors.SteelBlue);
                smooth.LineWidth = 2;
                smooth.LegendText = $"train loss (EMA {options.Smoothing.ToString(CultureInfo.InvariantCulture)})";
            }
        }
        var devLoss = Series(dev, MetricsEntry.DevSplit, MetricNames.Loss);
        if (devLoss.Steps.Length > 0) AddPoints(loss, devLoss, "dev loss", Colors.OrangeRed);
        Decorate(loss, "Loss", "loss");

        var palette = new ScottPlot.Palettes.Category10();
        var drawn = new List<double>();
        foreach (var name in options.DevMetrics)
        {
            var series = Series(dev, MetricsEntry.DevSplit, name);
            if (series.Steps.Length == 0) continue;
            AddPoints(metrics, series, $"dev {name}", palette.GetColor(metrics.GetPlottables().Count()));
            drawn.AddRange(series.Values);
        }
        Decorate(metrics, "Dev metrics", "value");

        // Same step range in both panels, so an evaluation sits under the loss it follows; the metrics' own range with a
        // margin (one evaluation alone would otherwise be zoomed onto, pushing the other series off the panel).
        loss.Axes.AutoScale();
        var steps = loss.Axes.GetLimits();
        var pad = Math.Max(1, 0.03 * (steps.Right - steps.Left));
        foreach (var panel in new[] { loss, metrics }) panel.Axes.SetLimitsX(steps.Left - pad, steps.Right + pad);
        if (drawn.Count == 0) metrics.Axes.SetLimitsY(0, 1);
        else
        {
            var (low, high) = (drawn.Min(), drawn.Max());
            var margin = Math.Max(0.02, 0.1 * (high - low));
            metrics.Axes.SetLimitsY(low - margin, high + margin);
        }
        // The same data area in both panels (legends of different widths would shift one), so steps line up.
        foreach (var panel in new[] { loss, metrics }) panel.Layout.Fixed(new PixelPadding(80, 250, 50, 40));
        figure.SavePng(path, options.Width, options.CurvesHeight);
        foreach (var plot in figure.GetPlots()) plot.Dispose();
    }

    /// <summary>
    /// confusion.png: counts by true class (rows, top to bottom) and predicted class (columns), each cell labelled
    /// with its count; colour follows the count.
    /// </summary>
    /// <param name="path">The PNG file.</param>
    /// <param name="matrix">Counts, <c>[true, predicted]</c>.</param>
    /// <param name="labelNames">Class names by id; null for the ids.</param>
    /// <param name="title">The title, naming the split. Default "Confusion matrix (dev)".</param>
    /// <param name="size">Width and height in pixels; null for about 80 pixels a class, at least 500.</param>
    public static void WriteConfusion(string path, long[,] matrix, IReadOnlyList<string>? labelNames = null,
        string title = "Confusion matrix (dev)", int? size = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(matrix);
        var n = matrix.GetLength(0);
        if (n == 0 || matrix.GetLength(1) != n) throw new ArgumentException("The confusion matrix must be square and not empty.", nameof(matrix));
        if (labelNames is not null && labelNames.Count != n) throw new ArgumentException($"Expected {n} label names, got {labelNames.Count}.", nameof(labelNames));
        var names = labelNames ?? [.. Enumerable.Range(0, n).Select(i => i.ToString(CultureInfo.InvariantCulture))];
        var pixels = size ?? Math.Max(500, 80 * n + 200);

        using var plot = new Plot();
        var intensities = new double[n, n];
        long max = 1;
        foreach (var count in matrix) max = Math.Max(max, count);
        for (var r = 0; r < n; r++)
        {
            for (var c = 0; c < n; c++) intensities[r, c] = matrix[r, c];
        }
        var heatmap = plot.Add.Heatmap(intensities);
        heatmap.Colormap = LightToDark;
        // Cell (r, c) spans [c, c+1] x [n-1-r, n-r]: row 0 on top, as confusion matrices are read.
        heatmap.Rectangle = new CoordinateRect(0, n, 0, n);
        for (var r = 0; r < n; r++)
        {
            for (var c = 0; c < n; c++)
            {
                var text = plot.Add.Text(matrix[r, c].ToString(CultureInfo.InvariantCulture), c + 0.5, n - r - 0.5);
                text.Alignment = Alignment.MiddleCenter;
                text.LabelFontSize = Math.Clamp(240f / n, 10f, 28f);
                // Dark cells get light text.
                text.LabelFontColor = matrix[r, c] > max / 2 ? Colors.White : Colors.Black;
            }
        }
        var centers = Enumerable.Range(0, n).Select(i => i + 0.5).ToArray();
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(centers, [.. names]);
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(centers, [.. names.Reverse()]);
        plot.Axes.SetLimits(0, n, 0, n);
        plot.Add.ColorBar(heatmap);
        plot.Title(title);
        plot.XLabel("predicted");
        plot.YLabel("true");
        plot.SavePng(path, pixels, pixels);
    }

    /// <summary>ScottPlot's Blues runs dark to white; confusion matrices read better white to dark (as sklearn's).</summary>
    static readonly IColormap LightToDark = new ScottPlot.Colormaps.Custom(
        [.. Enumerable.Range(0, 256).Select(i => new ScottPlot.Colormaps.Blues().GetColor(1 - i / 255.0))], smooth: true);

    static void AddPoints(Plot plot, (double[] Steps, double[] Values) series, string legend, Color color)
    {
        var scatter = plot.Add.Scatter(series.Steps, series.Values, color);
        scatter.LegendText = legend;
        scatter.MarkerSize = 7;
        scatter.LineWidth = 1.5f;
    }

    /// <summary>Title, labels and a legend beside the data (inside, it can hide a point: a 1-epoch run's dev loss did).</summary>
    static void Decorate(Plot plot, string title, string yLabel)
    {
        plot.Title(title);
        plot.XLabel("step");
        plot.YLabel(yLabel);
        if (plot.GetPlottables().Any()) plot.ShowLegend(Edge.Right);
    }

    static (double[] Steps, double[] Values) Series(IEnumerable<MetricsEntry> entries, string split, string name)
    {
        var points = entries.Where(e => e.Split == split && e[name] is { } v && double.IsFinite(v))
            .OrderBy(e => e.Step).Select(e => (Step: (double)e.Step, Value: e[name]!.Value)).ToArray();
        return ([.. points.Select(p => p.Step)], [.. points.Select(p => p.Value)]);
    }
}

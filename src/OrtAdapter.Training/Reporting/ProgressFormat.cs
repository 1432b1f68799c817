using System.Globalization;

namespace OrtAdapter.Training.Reporting;

/// <summary>The text both reporters show, in invariant culture so logs parse the same everywhere.</summary>
static class ProgressFormat
{
    public static string Steps(long step, long totalSteps) => string.Create(CultureInfo.InvariantCulture, $"step {step}/{totalSteps}");

    public static string Status(int epoch, double loss, double samplesPerSecond) =>
        string.Create(CultureInfo.InvariantCulture, $"epoch {epoch} loss {loss:0.0000} {samplesPerSecond:0.0} samples/s");

    /// <summary><c>h:mm:ss</c>, or <c>?</c> while there is no estimate.</summary>
    public static string Duration(TimeSpan? duration) =>
        duration is { } d && d >= TimeSpan.Zero && d < TimeSpan.FromDays(100)
            ? string.Create(CultureInfo.InvariantCulture, $"{(int)d.TotalHours}:{d.Minutes:00}:{d.Seconds:00}")
            : "?";
}

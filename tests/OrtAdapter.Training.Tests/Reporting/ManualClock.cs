namespace OrtAdapter.Training.Tests.Reporting;

/// <summary>A clock that moves only when told to, in whole seconds.</summary>
sealed class ManualClock : TimeProvider
{
    long ticks;

    public void Advance(TimeSpan by) => ticks += by.Ticks;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => ticks;
}

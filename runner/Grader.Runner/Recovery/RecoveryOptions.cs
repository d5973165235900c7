namespace Grader.Runner.Recovery;

/// <summary>Recovery check settings (options pattern: section "Grader:Recovery").</summary>
public sealed class RecoveryOptions
{
    public const string SectionName = "Grader:Recovery";

    /// <summary>
    /// How long past the SLO recovery is still watched, so feedback can say "recovered in 42s (SLO 30s)"
    /// rather than just "not within 30s". The observation window is SLO + this.
    /// </summary>
    public TimeSpan MaxObservationBeyondSlo { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Time one health poll may take.</summary>
    public TimeSpan HealthAttemptTimeout { get; set; } = TimeSpan.FromSeconds(1);
}

namespace Grader.Runner.Baselines;

/// <summary>Identifies the stored results of one criterion of one module in one learner repository.</summary>
public sealed record BaselineKey(string Repository, string ModuleId, string CriterionId);

/// <summary>Results of the previous graded commit, per repository and criterion, for "compare with last time" baselines.</summary>
public interface IBaselineStore
{
    /// <summary>The stored results, or null when this repository has none for the criterion yet.</summary>
    Task<BaselineFile?> LoadAsync(BaselineKey key, CancellationToken cancellationToken);

    /// <summary>Replaces the stored results (the graded commit becomes the next one's baseline).</summary>
    Task SaveAsync(BaselineKey key, BaselineFile baseline, CancellationToken cancellationToken);
}

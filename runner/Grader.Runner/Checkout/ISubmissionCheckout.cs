
namespace Grader.Runner.Checkout;

/// <summary>Brings a submission onto the runner at the requested commit.</summary>
public interface ISubmissionCheckout
{
    /// <summary>
    /// Makes the submission's files available; git submissions are written into <paramref name="workDirectory"/>,
    /// a plain folder is used where it is. Throws <see cref="GraderInfrastructureException"/> when the submission
    /// cannot be fetched or the requested commit does not exist (with a message that never contains a token).
    /// </summary>
    Task<CheckedOutSubmission> CheckoutAsync(SubmissionSource source, string workDirectory, CancellationToken cancellationToken);
}

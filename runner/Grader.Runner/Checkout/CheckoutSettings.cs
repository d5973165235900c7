namespace Grader.Runner.Checkout;

/// <summary>
/// What the checkout needs of the runner's settings (<c>Grader:Runner</c>: <c>MirrorCache</c>, <c>Checkout</c>),
/// handed over by the composition root so this layer does not depend on the pipeline's options.
/// </summary>
/// <param name="MirrorCache">Folder of the bare mirrors, one per clone URL.</param>
/// <param name="Checkout">Bounds of a learner's repository and of the mirror cache.</param>
public sealed record CheckoutSettings(string MirrorCache, CheckoutLimits Checkout);

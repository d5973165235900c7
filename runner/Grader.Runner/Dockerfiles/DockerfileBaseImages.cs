namespace Grader.Runner.Dockerfiles;

/// <summary>An image a Dockerfile builds FROM (or copies from), after global ARG defaults are substituted.</summary>
public sealed record BaseImageReference(string Image, int Line);

/// <summary>
/// The external images of a Dockerfile: every FROM and <c>COPY --from</c> that names an image rather than an earlier
/// stage or <c>scratch</c> (see <see cref="DockerfileStages"/>). A reference that cannot be resolved is returned as
/// written: one still holding a <c>$</c> depends on a build argument without a default.
/// </summary>
public static class DockerfileBaseImages
{
    public static IReadOnlyList<BaseImageReference> Resolve(IReadOnlyList<DockerfileInstruction> instructions) =>
        DockerfileStages.References(instructions)
            .Where(r => r.Problem is not null || r.Image is not null)
            .Select(r => new BaseImageReference(r.Image ?? r.Written, r.Line))
            .ToList();
}

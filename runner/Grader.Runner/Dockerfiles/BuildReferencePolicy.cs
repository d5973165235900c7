using System.Text.RegularExpressions;

namespace Grader.Runner.Dockerfiles;

/// <summary>Something a Dockerfile may not reference, at its line.</summary>
public sealed record ReferenceViolation(int Line, string Message);

/// <summary>
/// Decides, before a build, what a learner's Dockerfile may build from, copy from and download, so that no learner can
/// reach another learner's image on the shared engine or make the engine fetch from the grader's network.
/// </summary>
/// <remarks>
/// Allowed: earlier stages (by name or index), <c>scratch</c>, and images whose familiar name matches one of the
/// runner's allowed base patterns (<see cref="ImageName.Matches"/>). Refused, whatever the patterns say:
/// image ids and digests without a name (<c>sha256:…</c>, and any all-hex word: the engine falls back to an
/// id-prefix search for names it does not find, so <c>FROM 3f2a</c> would build on whichever image's id starts with
/// it), Grader's own namespaces (<c>grader-job/…</c>, <c>grader-reuse/…</c>, any <c>grader-*</c> first component),
/// references that are not valid reference syntax or still hold a <c>$</c> or quotes after expansion, and
/// <c>ADD</c> from a URL (the engine downloads it from the host's network, outside the build's network) or from a
/// source the grader cannot evaluate. <c>ONBUILD</c> triggers count too: a later <c>FROM</c> of the stage runs them.
/// </remarks>
public sealed partial class BuildReferencePolicy
{
    /// <summary>The default allowed bases: Grader's local base images and Docker Hub's official images (one-component names).</summary>
    public static readonly IReadOnlyList<string> DefaultAllowedBaseImages = ["grader/*", "*"];

    private readonly IReadOnlyList<string> _allowed;

    public BuildReferencePolicy(IEnumerable<string>? allowedBaseImages)
    {
        _allowed = (allowedBaseImages ?? DefaultAllowedBaseImages).Where(p => !string.IsNullOrWhiteSpace(p)).Select(p => p.Trim()).ToList();
    }

    [GeneratedRegex("^[0-9a-fA-F]+$")]
    private static partial Regex HexOnly();

    public IReadOnlyList<ReferenceViolation> Check(IReadOnlyList<DockerfileInstruction> instructions)
    {
        ArgumentNullException.ThrowIfNull(instructions);
        var violations = new List<ReferenceViolation>();
        foreach (var reference in DockerfileStages.References(instructions))
        {
            var problem = Problem(reference);
            if (problem is not null) violations.Add(new ReferenceViolation(reference.Line, problem));
        }
        var adds = instructions.Select(i => i.Keyword == "ONBUILD" ? DockerfileStages.Trigger(i) : i).OfType<DockerfileInstruction>().Where(i => i.Keyword == "ADD");
        foreach (var instruction in adds)
        {
            var problem = AddProblem(instruction);
            if (problem is not null) violations.Add(new ReferenceViolation(instruction.Line, problem));
        }
        return violations;
    }

    private string? Problem(DockerfileReference reference)
    {
        var what = reference.Kind == DockerfileReferenceKind.From ? "FROM" : "COPY --from";
        if (reference.Problem is not null) return $"{what} '{reference.Written}' cannot be checked: {reference.Problem}.";
        if (reference.Image is not { } image) return null;
        if (image.StartsWith("sha256:", StringComparison.OrdinalIgnoreCase) || HexOnly().IsMatch(image))
        {
            return $"{what} '{reference.Written}' names an image by id; builds may only use allowed base images by name ({Allowed}) and earlier stages.";
        }
        if (image.Contains('$', StringComparison.Ordinal)) return $"{what} '{reference.Written}' still holds a '$' after expansion.";
        var name = ImageName.Parse(image);
        if (name is null) return $"{what} '{reference.Written}' is not a valid image reference.";
        if (name.Repository.Split('/')[0].StartsWith("grader-", StringComparison.Ordinal))
        {
            return $"{what} '{reference.Written}' names an image the grader made for a job; builds may only use allowed base images ({Allowed}) and earlier stages.";
        }
        if (!_allowed.Any(p => ImageName.Matches(name.Repository, p)))
        {
            return $"{what} '{reference.Written}' is not an allowed base image on this grader (allowed: {Allowed}).";
        }
        return null;
    }

    private static string? AddProblem(DockerfileInstruction instruction)
    {
        var words = DockerfileWords.SplitJsonOrWhitespace(DockerfileWords.SplitFlags(instruction.Arguments).Rest);
        foreach (var source in words.Take(Math.Max(0, words.Count - 1)))
        {
            if (source.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || source.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
            {
                return $"ADD '{source}' makes the engine download from the grader's own network, which builds may not reach: add the file to your submission and COPY it.";
            }
            if (source.Any(c => c is '$' or '\\' or '`' or '"' or '\''))
            {
                return $"ADD '{source}' uses variables, quotes or escapes, which could turn it into a download: name the source literally, or use COPY.";
            }
        }
        return null;
    }

    private string Allowed => _allowed.Count == 0 ? "none" : string.Join(", ", _allowed);
}

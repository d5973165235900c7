using System.Text.RegularExpressions;

namespace Grader.Runner.Dockerfiles;

/// <summary>A Dockerfile practice that was not followed, at the line to annotate.</summary>
public sealed record PracticeViolation(string Practice, int Line, string Message);

/// <summary>Which practices to evaluate.</summary>
public sealed record PracticeSelection(bool PinnedBase, bool NonRootUser, bool Healthcheck, bool NoSecrets);

/// <summary>
/// Checks a Dockerfile against production practices: base images pinned, a non-root user in the final
/// stage, a HEALTHCHECK, and no secrets baked into ENV/ARG.
/// </summary>
public static partial class DockerfilePractices
{
    public const string PinnedBase = "pinned_base";
    public const string NonRoot = "non_root";
    public const string Healthcheck = "healthcheck";
    public const string NoSecrets = "no_secrets";

    [GeneratedRegex(@"(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|CREDENTIALS?)", RegexOptions.IgnoreCase)]
    private static partial Regex SecretName();

    /// <summary>Values that look like real credentials whatever the variable is called.</summary>
    [GeneratedRegex(@"(ghp_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}|AKIA[0-9A-Z]{16}|xox[bp]-[A-Za-z0-9-]{10,}|-----BEGIN [A-Z ]*PRIVATE KEY-----|sk-[A-Za-z0-9]{20,})")]
    private static partial Regex SecretValue();

    /// <summary>Returns the violations of the selected practices; an empty list means all followed.</summary>
    /// <param name="imageUser">The built image's user resolved to a uid, when the image exists: then non-root is judged
    /// on the uid the image really runs as (a name mapped to uid 0 in its /etc/passwd is root), not on the text.</param>
    public static IReadOnlyList<PracticeViolation> Evaluate(IReadOnlyList<DockerfileInstruction> instructions, PracticeSelection selection, ImageUser? imageUser = null)
    {
        ArgumentNullException.ThrowIfNull(instructions);
        ArgumentNullException.ThrowIfNull(selection);
        var violations = new List<PracticeViolation>();
        var froms = instructions.Where(i => i.Keyword == "FROM").ToList();
        if (froms.Count == 0)
        {
            violations.Add(new PracticeViolation(PinnedBase, 1, "The Dockerfile has no FROM instruction."));
            return violations;
        }
        var finalStageStart = instructions.ToList().IndexOf(froms[^1]);
        var finalStage = instructions.Skip(finalStageStart).ToList();

        if (selection.PinnedBase) CheckPinnedBases(instructions, violations);
        if (selection.NonRootUser)
        {
            if (imageUser is null) CheckNonRoot(finalStage, violations);
            else CheckNonRoot(finalStage, imageUser, violations);
        }
        if (selection.Healthcheck) CheckHealthcheck(finalStage, violations);
        if (selection.NoSecrets) CheckSecrets(instructions, violations);
        return violations;
    }

    private static void CheckPinnedBases(IReadOnlyList<DockerfileInstruction> instructions, List<PracticeViolation> violations)
    {
        foreach (var reference in DockerfileBaseImages.Resolve(instructions))
        {
            var problem = PinProblem(reference.Image);
            if (problem is not null) violations.Add(new PracticeViolation(PinnedBase, reference.Line, problem));
        }
    }

    private static string? PinProblem(string image)
    {
        if (image.Contains('$', StringComparison.Ordinal)) return $"The base image '{image}' depends on a build argument without a default: pin it to a tag or digest.";
        if (image.Contains("@sha256:", StringComparison.Ordinal)) return null;
        var lastSlash = image.LastIndexOf('/');
        var colon = image.IndexOf(':', lastSlash + 1);
        if (colon < 0) return $"The base image '{image}' has no tag, so it floats with 'latest': pin it (e.g. '{image}:3.11-slim' or a digest).";
        var tag = image[(colon + 1)..];
        return tag.Equals("latest", StringComparison.OrdinalIgnoreCase)
            ? $"The base image '{image}' uses the 'latest' tag: pin it to a version tag or a digest so builds are reproducible."
            : null;
    }

    private static void CheckNonRoot(List<DockerfileInstruction> finalStage, List<PracticeViolation> violations)
    {
        var user = finalStage.LastOrDefault(i => i.Keyword == "USER");
        if (user is null)
        {
            violations.Add(new PracticeViolation(NonRoot, finalStage[0].Line, "The final stage never sets USER, so the service runs as root: add a non-root USER."));
            return;
        }
        var spec = user.Arguments.Trim();
        var numeric = ImageUser.FromNumber(spec);
        if (ImageUser.UserPart(spec) == "root" || numeric?.IsRoot == true)
        {
            violations.Add(new PracticeViolation(NonRoot, user.Line, $"The final USER is root ('{spec}' is uid 0): switch to an unprivileged user before the service starts."));
        }
        else if (numeric is { Problem: { } problem })
        {
            violations.Add(new PracticeViolation(NonRoot, user.Line, $"The final USER '{spec}' cannot run: {problem}."));
        }
    }

    /// <summary>Judged on the uid the built image runs as, annotated at the final USER (or the final FROM when there is none).</summary>
    private static void CheckNonRoot(List<DockerfileInstruction> finalStage, ImageUser imageUser, List<PracticeViolation> violations)
    {
        var line = finalStage.LastOrDefault(i => i.Keyword == "USER")?.Line ?? finalStage[0].Line;
        var shown = imageUser.Spec.Length == 0 ? "no USER" : $"USER '{imageUser.Spec}'";
        var via = imageUser.Source is null ? "" : $" in {imageUser.Source}";
        if (imageUser.IsRoot)
        {
            violations.Add(new PracticeViolation(NonRoot, line, $"The image runs as root: {shown} is uid 0{via}. Switch to an unprivileged user before the service starts."));
        }
        else if (imageUser.Uid is null)
        {
            violations.Add(new PracticeViolation(NonRoot, line, $"The image's {shown} cannot be resolved to a uid: {imageUser.Problem}."));
        }
    }

    private static void CheckHealthcheck(List<DockerfileInstruction> finalStage, List<PracticeViolation> violations)
    {
        var check = finalStage.LastOrDefault(i => i.Keyword == "HEALTHCHECK");
        if (check is null)
        {
            violations.Add(new PracticeViolation(Healthcheck, finalStage[0].Line, "The final stage has no HEALTHCHECK: add one that probes the service (e.g. its /health endpoint)."));
        }
        else if (check.Arguments.Trim().Equals("NONE", StringComparison.OrdinalIgnoreCase))
        {
            violations.Add(new PracticeViolation(Healthcheck, check.Line, "HEALTHCHECK NONE disables health checking: define a real check."));
        }
    }

    private static void CheckSecrets(IReadOnlyList<DockerfileInstruction> instructions, List<PracticeViolation> violations)
    {
        foreach (var instruction in instructions)
        {
            if (instruction.Keyword is "ENV" or "ARG" or "LABEL")
            {
                foreach (var (name, value) in Assignments(instruction.Arguments))
                {
                    if (instruction.Keyword != "LABEL" && SecretName().IsMatch(name) && !string.IsNullOrWhiteSpace(value) && !value.StartsWith('$'))
                    {
                        violations.Add(new PracticeViolation(NoSecrets, instruction.Line,
                            $"{instruction.Keyword} {name} bakes a secret into the image: pass it at run time (environment or a mounted secret) instead."));
                    }
                    else if (value is not null && SecretValue().IsMatch(value))
                    {
                        violations.Add(new PracticeViolation(NoSecrets, instruction.Line,
                            $"{instruction.Keyword} {name} holds what looks like a credential: remove it from the Dockerfile and rotate it."));
                    }
                }
            }
            else if (instruction.Keyword == "RUN" && SecretValue().IsMatch(instruction.Arguments))
            {
                violations.Add(new PracticeViolation(NoSecrets, instruction.Line, "RUN contains what looks like a credential: use a build secret (RUN --mount=type=secret) instead."));
            }
        }
    }

    /// <summary>ENV/ARG/LABEL accept <c>k=v k2="v 2"</c> and the legacy <c>ENV k v</c> form.</summary>
    private static IEnumerable<(string Name, string? Value)> Assignments(string text)
    {
        var trimmed = text.Trim();
        var firstSpace = trimmed.IndexOfAny([' ', '\t']);
        var firstEq = trimmed.IndexOf('=', StringComparison.Ordinal);
        if (firstEq < 0 || (firstSpace >= 0 && firstSpace < firstEq))
        {
            if (firstSpace < 0) return [(trimmed, null)];
            return [(trimmed[..firstSpace], trimmed[(firstSpace + 1)..].Trim().Trim('"', '\''))];
        }
        var result = new List<(string, string?)>();
        var i = 0;
        while (i < trimmed.Length)
        {
            while (i < trimmed.Length && char.IsWhiteSpace(trimmed[i])) i++;
            var nameStart = i;
            while (i < trimmed.Length && trimmed[i] != '=' && !char.IsWhiteSpace(trimmed[i])) i++;
            var name = trimmed[nameStart..i];
            string? value = null;
            if (i < trimmed.Length && trimmed[i] == '=')
            {
                i++;
                var sb = new System.Text.StringBuilder();
                char? quote = null;
                while (i < trimmed.Length && (quote is not null || !char.IsWhiteSpace(trimmed[i])))
                {
                    var c = trimmed[i];
                    if (quote is null && c is '"' or '\'') quote = c;
                    else if (quote == c) quote = null;
                    else sb.Append(c);
                    i++;
                }
                value = sb.ToString();
            }
            if (name.Length > 0) result.Add((name, value));
        }
        return result;
    }
}

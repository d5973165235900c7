using System.Globalization;
using System.Text.RegularExpressions;

namespace Grader.Runner.Dockerfiles;

/// <summary>Where a Dockerfile names something to build from or copy from.</summary>
public enum DockerfileReferenceKind
{
    /// <summary><c>FROM x</c>.</summary>
    From,

    /// <summary><c>COPY --from=x</c>.</summary>
    CopyFrom,
}

/// <summary>
/// A FROM or COPY --from reference as the engine will resolve it: an earlier stage (<see cref="Stage"/>), <c>scratch</c>,
/// an image (<see cref="Image"/>, variables expanded), or something that cannot be resolved with certainty (<see cref="Problem"/>).
/// </summary>
/// <param name="Written">The reference as written in the Dockerfile.</param>
public sealed record DockerfileReference(DockerfileReferenceKind Kind, int Line, string Written, string? Image, int? Stage, bool Scratch, string? Problem)
{
    public bool IsImage => Image is not null && Problem is null;
}

/// <summary>
/// The stages of a Dockerfile and every reference they make, resolved as the classic builder of Engine 20.10 does:
/// a FROM is expanded with the global ARG defaults (no build arguments are passed), then matched against earlier
/// stage names (case-insensitive), then <c>scratch</c>, else it is an image. <c>COPY --from</c> is not expanded by the
/// engine: it names an earlier stage, an earlier stage's index (as Go's ParseInt reads it) or an image.
/// </summary>
public static partial class DockerfileStages
{
    [GeneratedRegex("^[+-]?[0-9]+$")]
    private static partial Regex StageIndex();

    public static IReadOnlyList<DockerfileReference> References(IReadOnlyList<DockerfileInstruction> instructions)
    {
        ArgumentNullException.ThrowIfNull(instructions);
        var variables = DockerfileVariables.Global(instructions);
        var stages = new List<string?>();
        var references = new List<DockerfileReference>();
        foreach (var instruction in instructions)
        {
            if (instruction.Keyword == "FROM")
            {
                var (reference, name) = ResolveFrom(instruction, variables, stages);
                references.Add(reference);
                stages.Add(name);
            }
            else if (instruction.Keyword == "ONBUILD" && OnBuildCopyFrom(instruction) is { } triggerFrom)
            {
                // A trigger runs when a later stage builds FROM this one, where names resolve differently: so its
                // --from must stand on its own as an allowed image (an earlier stage's index or name that is not one fails closed).
                references.Add(ResolveCopyFrom(instruction.Line, triggerFrom, []));
            }
            else if (instruction.Keyword is "COPY" && stages.Count > 0)
            {
                // The stage being built is not one --from can name (the engine reads its name as an image, its index as an error).
                var from = DockerfileWords.SplitFlags(instruction.Arguments).Value("from");
                if (from is not null) references.Add(ResolveCopyFrom(instruction.Line, from, stages[..^1]));
            }
        }
        return references;
    }

    /// <summary>The <c>--from</c> of an <c>ONBUILD COPY</c> trigger, or null.</summary>
    private static string? OnBuildCopyFrom(DockerfileInstruction instruction)
    {
        var inner = Trigger(instruction);
        return inner is { Keyword: "COPY" } ? DockerfileWords.SplitFlags(inner.Arguments).Value("from") : null;
    }

    /// <summary>The instruction an <c>ONBUILD</c> registers (keyword upper-cased), or null.</summary>
    public static DockerfileInstruction? Trigger(DockerfileInstruction instruction)
    {
        ArgumentNullException.ThrowIfNull(instruction);
        if (instruction.Keyword != "ONBUILD") return null;
        var words = DockerfileWords.SplitWhitespace(instruction.Arguments);
        if (words.Count == 0) return null;
        var keyword = words[0].ToUpperInvariant();
        var arguments = instruction.Arguments.Trim()[words[0].Length..].Trim();
        return new DockerfileInstruction(keyword, arguments, instruction.Line, instruction.EndLine);
    }

    private static (DockerfileReference Reference, string? StageName) ResolveFrom(DockerfileInstruction instruction, DockerfileVariables variables, List<string?> stages)
    {
        var words = DockerfileWords.SplitWhitespace(DockerfileWords.SplitFlags(instruction.Arguments).Rest);
        var written = words.Count > 0 ? words[0] : "";
        string? name = null;
        if (words.Count == 3 && words[1].Equals("AS", StringComparison.OrdinalIgnoreCase)) name = words[2].ToLowerInvariant();
        else if (words.Count != 1)
        {
            return (Unresolved(DockerfileReferenceKind.From, instruction.Line, written, "FROM takes an image and optionally 'AS name'"), null);
        }
        var expanded = variables.Expand(written);
        if (!expanded.Succeeded) return (Unresolved(DockerfileReferenceKind.From, instruction.Line, written, expanded.Problem!), name);
        var image = expanded.Value!;
        if (image.Length == 0) return (Unresolved(DockerfileReferenceKind.From, instruction.Line, written, "the image name is empty"), name);
        var stage = stages.FindIndex(s => s is not null && s.Equals(image, StringComparison.OrdinalIgnoreCase));
        if (stage >= 0) return (new DockerfileReference(DockerfileReferenceKind.From, instruction.Line, written, null, stage, false, null), name);
        var scratch = image.Equals("scratch", StringComparison.OrdinalIgnoreCase);
        return (new DockerfileReference(DockerfileReferenceKind.From, instruction.Line, written, scratch ? null : image, null, scratch, null), name);
    }

    private static DockerfileReference ResolveCopyFrom(int line, string value, List<string?> stages)
    {
        if (value.Contains('$', StringComparison.Ordinal))
        {
            return Unresolved(DockerfileReferenceKind.CopyFrom, line, value, "COPY --from is not expanded by the engine: name the stage or image literally");
        }
        var stage = stages.FindIndex(s => s is not null && s.Equals(value, StringComparison.OrdinalIgnoreCase));
        if (stage >= 0) return new DockerfileReference(DockerfileReferenceKind.CopyFrom, line, value, null, stage, false, null);
        if (StageIndex().IsMatch(value))
        {
            return long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var index) && index >= 0 && index < stages.Count
                ? new DockerfileReference(DockerfileReferenceKind.CopyFrom, line, value, null, (int)index, false, null)
                : Unresolved(DockerfileReferenceKind.CopyFrom, line, value, string.Create(CultureInfo.InvariantCulture, $"there is no earlier stage {value} (stages so far: {stages.Count})"));
        }
        return new DockerfileReference(DockerfileReferenceKind.CopyFrom, line, value, value, null, false, null);
    }

    private static DockerfileReference Unresolved(DockerfileReferenceKind kind, int line, string written, string problem) =>
        new(kind, line, written, null, null, false, problem);
}

using System.Text.RegularExpressions;

namespace Grader.Runner.Dockerfiles;

/// <summary>An image a Dockerfile builds FROM, after global ARG defaults are substituted.</summary>
public sealed record BaseImageReference(string Image, int Line);

/// <summary>
/// The external base images of a Dockerfile: every FROM, with global ARG defaults substituted, leaving out
/// <c>scratch</c> and earlier stages named with <c>AS</c>. An image still holding a <c>$</c> depends on a build
/// argument without a default.
/// </summary>
public static partial class DockerfileBaseImages
{
    [GeneratedRegex(@"\$\{?([A-Za-z_][A-Za-z0-9_]*)(?::?[-+][^}]*)?\}?")]
    private static partial Regex VariableReference();

    public static IReadOnlyList<BaseImageReference> Resolve(IReadOnlyList<DockerfileInstruction> instructions)
    {
        ArgumentNullException.ThrowIfNull(instructions);
        var globalArgs = new Dictionary<string, string>(StringComparer.Ordinal);
        var stageNames = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var images = new List<BaseImageReference>();
        var seenFrom = false;
        foreach (var instruction in instructions)
        {
            if (instruction.Keyword == "ARG" && !seenFrom)
            {
                var text = instruction.Arguments;
                var eq = text.IndexOf('=', StringComparison.Ordinal);
                if (eq >= 0) globalArgs[text[..eq].Trim()] = text[(eq + 1)..].Trim().Trim('"', '\'');
                continue;
            }
            if (instruction.Keyword != "FROM") continue;
            seenFrom = true;
            var words = instruction.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries)
                .Where(w => !w.StartsWith("--", StringComparison.Ordinal)).ToList();
            if (words.Count == 0) continue;
            var image = VariableReference().Replace(words[0], m => globalArgs.TryGetValue(m.Groups[1].Value, out var v) ? v : m.Value);
            if (words.Count >= 3 && words[1].Equals("AS", StringComparison.OrdinalIgnoreCase)) stageNames.Add(words[2]);
            if (image.Equals("scratch", StringComparison.OrdinalIgnoreCase) || stageNames.Contains(image) && !image.Contains(':', StringComparison.Ordinal)) continue;
            images.Add(new BaseImageReference(image, instruction.Line));
        }
        return images;
    }
}

using System.Text;

namespace Grader.Testing.GitHub;

/// <summary>
/// What a hostile submission prints (build steps, test output, report contents) hoping the Actions runner takes
/// it for workflow commands: masks, outputs, environment, stop-commands, forged annotations, the legacy
/// <c>##[</c> form, leading whitespace, a carriage return and percent-encoded line breaks.
/// </summary>
public static class WorkflowCommandInjection
{
    public static readonly IReadOnlyList<string> Lines =
    [
        "::add-mask::x",
        "::stop-commands::y",
        "::error file=a,line=1::forged",
        "::error file=a,line=1,title=grader::forged-with-title",
        "::set-output name=passed::true",
        "  ::warning::indented",
        "\t::notice::tabbed",
        "::y::",
        "##[set-output name=passed;]true",
        "text before ##[add-mask]legacy",
        "%0A::error::percent-encoded newline",
        "::set-env name=NODE_OPTIONS::--require=/tmp/evil.js",
        "::add-path::/tmp/evil",
        "::save-state name=s::v",
        "::group::forged group",
        "::ERROR::upper case",
        "before\r::error::after-carriage-return",
    ];

    /// <summary>The data of the forged annotations above: none may reach the runner as an annotation.</summary>
    private static readonly HashSet<string> ForgedData = new(StringComparer.Ordinal)
    {
        "forged", "forged-with-title", "indented", "tabbed", "percent-encoded newline", "upper case", "after-carriage-return",
    };

    /// <summary>
    /// A POSIX shell script that prints every line twice: once in one write that starts like a classic-builder
    /// progress line ("Step 9/9 : ..."), once line by line.
    /// </summary>
    public static string ShellScript()
    {
        var script = new StringBuilder();
        script.Append("printf '").Append(Printf("Step 9/9 : fake step")).Append("\\n");
        foreach (var line in Lines) script.Append(Printf(line)).Append("\\n");
        script.Append("'\n");
        foreach (var line in Lines) script.Append("printf '").Append(Printf(line)).Append("\\n'\n");
        return script.ToString();
    }

    /// <summary>Commands the runner carried out that came from learner text rather than from Grader.</summary>
    public static IReadOnlyList<ProcessedCommand> Forged(ActionsRunnerLog log)
    {
        ArgumentNullException.ThrowIfNull(log);
        return log.Commands.Where(c =>
                c.Name is not ("error" or "warning" or "notice")
                || c.Properties.GetValueOrDefault("file") == "a"
                || ForgedData.Contains(c.Data))
            .ToList();
    }

    // Inside single quotes only the printf format matters: escape %, backslash, and write control characters as escapes.
    private static string Printf(string line) => line
        .Replace("\\", "\\\\", StringComparison.Ordinal)
        .Replace("%", "%%", StringComparison.Ordinal)
        .Replace("\t", "\\t", StringComparison.Ordinal)
        .Replace("\r", "\\r", StringComparison.Ordinal);
}

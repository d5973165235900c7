using System.CommandLine;

namespace Grader.Cli.Tests.RubricLint;

/// <summary>Runs the real <c>grader</c> command tree in-process and captures what it writes.</summary>
internal sealed record LintRun(int ExitCode, string Output, string Error)
{
    public static async Task<LintRun> InvokeAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await GraderCommand.Build().Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, CancellationToken.None);
        return new LintRun(exit, output.ToString(), error.ToString());
    }

    public IReadOnlyList<string> OutputLines => Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToList();
}

/// <summary>A temporary folder of rubric files, deleted after the test.</summary>
internal sealed class RubricFolder : IDisposable
{
    public const string ValidRubric = """
        module: { id: MOD-1, title: Lint }
        competencies:
          testing: { name: Testing, level: Working }
        include: [shared/fragment.yaml]
        criteria:
          - id: builds
            title: Builds
            points: 10
            check: { build: {} }
        """;

    public const string Fragment = """
        criteria:
          - id: docs
            title: Docs
            points: 5
            check: { files: { require: [README.md] } }
        """;

    public RubricFolder() => Directory.CreateDirectory(Root);

    public string Root { get; } = Path.Combine(Path.GetTempPath(), "grader-lint-" + Guid.NewGuid().ToString("N"));

    public string Write(string relativePath, string text)
    {
        var path = Path.Combine(Root, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    public void Dispose() => Directory.Delete(Root, recursive: true);
}

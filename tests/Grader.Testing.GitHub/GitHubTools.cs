namespace Grader.Testing.GitHub;

/// <summary>Finds the npm tools installed by scripts/lib/ensure-npm-tools.sh (tools/node at the repository root).</summary>
public static class GitHubTools
{
    public static string NodeToolsDirectory { get; } = Locate();

    /// <summary>GitHub's OpenAPI description of api.github.com, from npm @octokit/openapi.</summary>
    public static string OpenApiDescription => Path.Combine(NodeToolsDirectory, "node_modules", "@octokit", "openapi", "generated", "api.github.com.json");

    public static string Prism => Path.Combine(NodeToolsDirectory, "node_modules", ".bin", "prism");

    private static string Locate()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tools", "node");
            if (File.Exists(Path.Combine(candidate, "package.json")))
            {
                var spec = Path.Combine(candidate, "node_modules", "@octokit", "openapi", "generated", "api.github.com.json");
                return File.Exists(spec)
                    ? candidate
                    : throw new InvalidOperationException($"npm tools are not installed in {candidate}: run `bash scripts/lib/ensure-npm-tools.sh`.");
            }
        }

        throw new InvalidOperationException($"No tools/node above {AppContext.BaseDirectory}.");
    }
}

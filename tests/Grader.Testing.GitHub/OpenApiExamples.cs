using System.Text.Json;
using System.Text.Json.Nodes;

namespace Grader.Testing.GitHub;

/// <summary>
/// Response bodies built from the examples in GitHub's own OpenAPI description, so the emulator answers with
/// every field GitHub documents as required (prism validates responses too) and tests override only what matters.
/// </summary>
public static class OpenApiExamples
{
    private static readonly Lazy<JsonObject> Examples = new(Load, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>A fresh copy of components/examples/{name}/value.</summary>
    public static JsonNode Get(string name) =>
        (Examples.Value[name]?["value"] ?? throw new KeyNotFoundException($"No example '{name}' in the OpenAPI description.")).DeepClone();

    private static JsonObject Load()
    {
        using var stream = File.OpenRead(GitHubTools.OpenApiDescription);
        using var document = JsonDocument.Parse(stream);
        var examples = document.RootElement.GetProperty("components").GetProperty("examples");
        return JsonNode.Parse(examples.GetRawText())!.AsObject();
    }
}

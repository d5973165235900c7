using System.Text.Json.Nodes;

namespace Grader.Bot.Tests.Support;

/// <summary>Real GitHub payloads from Fixtures/, adjusted per test in memory (never in the files).</summary>
internal static class WebhookFixtures
{
    public static JsonObject Load(string relativePath) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(TestContext.CurrentContext.TestDirectory, "Fixtures", relativePath)))!.AsObject();
}

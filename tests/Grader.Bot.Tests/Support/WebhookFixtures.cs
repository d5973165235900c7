using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Grader.Bot.Tests.Support;

/// <summary>Real GitHub payloads from Fixtures/, adjusted per test in memory (never in the files).</summary>
internal static class WebhookFixtures
{
    public const string Repository = "Codertocat/Hello-World";
    public const long InstallationId = 1;
    public const string HeadSha = "ec26c3e57ca3a959ca5aad62de7213c562f8c821";

    public static JsonObject Load(string relativePath) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(TestContext.CurrentContext.TestDirectory, "Fixtures", relativePath)))!.AsObject();

    /// <summary>A pull_request delivery with the given action and head SHA.</summary>
    public static JsonObject PullRequest(string action, string headSha = HeadSha, bool draft = false)
    {
        var payload = Load("pull_request/opened.payload.json");
        payload["action"] = action;
        payload["pull_request"]!["head"]!["sha"] = headSha;
        payload["pull_request"]!["draft"] = draft;
        return payload;
    }

    /// <summary>HMAC-SHA256 of the raw body, as GitHub signs deliveries.</summary>
    public static string Sign(byte[] body, string secret) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));
}

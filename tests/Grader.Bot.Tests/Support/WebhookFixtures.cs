using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Grader.Bot.Tests.Support;

/// <summary>Real GitHub payloads from Fixtures/, adjusted per test in memory (never in the files).</summary>
internal static class WebhookFixtures
{
    public static JsonObject Load(string relativePath) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(TestContext.CurrentContext.TestDirectory, "Fixtures", relativePath)))!.AsObject();

    /// <summary>HMAC-SHA256 of the raw body, as GitHub signs deliveries.</summary>
    public static string Sign(byte[] body, string secret) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));
}

using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Grader.Testing.GitHub;

/// <summary>Webhook deliveries as GitHub sends them to an App: addressed to an installation's repository and signed.</summary>
public static class GitHubWebhook
{
    /// <summary>HMAC-SHA256 of the raw body, as GitHub signs deliveries (the <c>X-Hub-Signature-256</c> value).</summary>
    public static string Sign(byte[] body, string secret) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    /// <summary>A signed POST of <paramref name="body"/> with GitHub's event and delivery headers.</summary>
    public static HttpRequestMessage Request(Uri endpoint, string eventName, string deliveryId, byte[] body, string secret)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add("X-GitHub-Event", eventName);
        request.Headers.Add("X-GitHub-Delivery", deliveryId);
        request.Headers.Add("X-Hub-Signature-256", Sign(body, secret));
        return request;
    }

    /// <summary>Points a real payload (a fixture) at an emulated installation and repository, in place; returns it.</summary>
    public static JsonObject Address(JsonObject payload, EmulatedInstallation installation, EmulatedRepository repository)
    {
        ArgumentNullException.ThrowIfNull(payload);
        ArgumentNullException.ThrowIfNull(installation);
        ArgumentNullException.ThrowIfNull(repository);
        payload["installation"] = new JsonObject { ["id"] = installation.Id, ["node_id"] = "MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uMQ==" };
        if (payload["repository"] is JsonObject target)
        {
            target["name"] = repository.Name;
            target["full_name"] = repository.FullName;
            target["default_branch"] = repository.DefaultBranch;
            if (target["owner"] is JsonObject owner)
            {
                owner["login"] = repository.Owner;
            }
        }

        return payload;
    }

    /// <summary>A pull_request payload (from a fixture) for pull request <paramref name="number"/> at <paramref name="headSha"/>.</summary>
    public static JsonObject PullRequest(JsonObject fixture, string action, int number, string headSha, bool draft = false)
    {
        ArgumentNullException.ThrowIfNull(fixture);
        fixture["action"] = action;
        fixture["number"] = number;
        fixture["pull_request"]!["number"] = number;
        fixture["pull_request"]!["head"]!["sha"] = headSha;
        fixture["pull_request"]!["draft"] = draft;
        fixture["pull_request"]!["state"] = action == "closed" ? "closed" : "open";
        return fixture;
    }
}

using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Grader.Testing.GitHub;

/// <summary>
/// Someone other than Grader acting on GitHub through prism with a token: a learner with a personal token, or
/// another App installed on the learner's repository. Tests use it to plant what a hostile actor could.
/// </summary>
public sealed class ActingClient(Uri apiBaseUrl, string token) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = apiBaseUrl };

    /// <summary>Posts a review of <paramref name="commitId"/> (event COMMENT, APPROVE or REQUEST_CHANGES); returns its id.</summary>
    public async Task<long> PostReviewAsync(EmulatedRepository repository, int number, string commitId, string body, string reviewEvent = "COMMENT")
    {
        ArgumentNullException.ThrowIfNull(repository);
        var answer = await SendAsync(HttpMethod.Post, $"repos/{repository.FullName}/pulls/{number}/reviews",
            new JsonObject { ["commit_id"] = commitId, ["body"] = body, ["event"] = reviewEvent }).ConfigureAwait(false);
        return (long)answer["id"]!;
    }

    /// <summary>Comments on an issue or pull request; returns the comment's id.</summary>
    public async Task<long> PostCommentAsync(EmulatedRepository repository, int number, string body)
    {
        ArgumentNullException.ThrowIfNull(repository);
        var answer = await SendAsync(HttpMethod.Post, $"repos/{repository.FullName}/issues/{number}/comments", new JsonObject { ["body"] = body }).ConfigureAwait(false);
        return (long)answer["id"]!;
    }

    /// <summary>Creates a check run (only an App can); returns its id.</summary>
    public async Task<long> CreateCheckRunAsync(EmulatedRepository repository, string name, string headSha, string externalId)
    {
        ArgumentNullException.ThrowIfNull(repository);
        var answer = await SendAsync(HttpMethod.Post, $"repos/{repository.FullName}/check-runs",
            new JsonObject { ["name"] = name, ["head_sha"] = headSha, ["external_id"] = externalId, ["status"] = "queued" }).ConfigureAwait(false);
        return (long)answer["id"]!;
    }

    private async Task<JsonNode> SendAsync(HttpMethod method, string path, JsonObject body)
    {
        using var request = new HttpRequestMessage(method, path) { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.UserAgent.Add(new ProductInfoHeaderValue("grader-tests", "1"));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/vnd.github+json"));
        using var response = await _http.SendAsync(request).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
        return response.IsSuccessStatusCode
            ? JsonNode.Parse(text)!
            : throw new HttpRequestException($"{method} {path} answered {(int)response.StatusCode}: {text}", null, response.StatusCode);
    }

    public void Dispose() => _http.Dispose();
}

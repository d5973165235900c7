using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Grader.Testing.GitHub;

public sealed partial class GitHubEmulator
{
    private const int MaxAnnotationsPerRequest = 50;
    private const int MaxOutputCharacters = 65535;

    private async Task<IResult> CreateInstallationToken(HttpContext context, long installationId)
    {
        var (app, problem) = await AuthenticateAppAsync(context).ConfigureAwait(false);
        if (app is null)
        {
            return Error(StatusCodes.Status401Unauthorized, problem!);
        }

        EmulatedInstallation? installation;
        lock (_gate)
        {
            installation = _installations.FirstOrDefault(i => i.Id == installationId && i.App == app);
        }

        if (installation is null)
        {
            return NotFound();
        }

        var token = Issue(installation);
        var body = OpenApiExamples.Get("installation-token").AsObject();
        body["token"] = token.Token;
        body["expires_at"] = Iso(token.ExpiresAt);
        body.Remove("repositories");
        return Json(body, StatusCodes.Status201Created);
    }

    private IResult ListInstallationRepositories(HttpContext context)
    {
        var installation = AuthenticateInstallation(context);
        if (installation is null)
        {
            return BadCredentials();
        }

        List<EmulatedRepository> repositories;
        lock (_gate)
        {
            repositories = _repositories.Where(r => r.InstallationId == installation.Id).ToList();
        }

        var template = OpenApiExamples.Get("repository-paginated-2")["repositories"]![0]!;
        var items = new JsonArray();
        foreach (var repository in repositories)
        {
            var item = template.DeepClone().AsObject();
            FillRepository(item, repository);
            items.Add(item);
        }

        return Json(new JsonObject { ["total_count"] = repositories.Count, ["repositories"] = items });
    }

    private IResult GetRepository(HttpContext context, string owner, string repo)
    {
        var (repository, failure) = Authorize(context, owner, repo);
        if (repository is null)
        {
            return failure!;
        }

        var body = OpenApiExamples.Get("full-repository-default-response").AsObject();
        FillRepository(body, repository);
        // Not a fork: no parent/source (the example's lack the required "language"); language is required, nullable.
        body.Remove("parent");
        body.Remove("source");
        body["language"] = null;
        return Json(body);
    }

    private static void FillRepository(JsonObject item, EmulatedRepository repository)
    {
        item["id"] = repository.Id;
        item["name"] = repository.Name;
        item["full_name"] = repository.FullName;
        item["private"] = repository.Private;
        item["default_branch"] = repository.DefaultBranch;
        item["owner"]!["login"] = repository.Owner;
    }

    private IResult GetPullRequest(HttpContext context, string owner, string repo, int number)
    {
        var (repository, failure) = Authorize(context, owner, repo);
        if (repository is null)
        {
            return failure!;
        }

        EmulatedPullRequest? pull;
        lock (_gate)
        {
            _pulls.TryGetValue((repository.Id, number), out pull);
        }

        if (pull is null)
        {
            return NotFound();
        }

        var body = OpenApiExamples.Get("pull-request").AsObject();
        body["number"] = pull.Number;
        body["state"] = pull.State;
        body["draft"] = pull.Draft;
        body["user"]!["login"] = pull.Author;
        body["head"]!["sha"] = pull.HeadSha;
        body["head"]!["ref"] = pull.HeadRef;
        body["base"]!["ref"] = pull.BaseRef;
        if (pull.BaseSha is not null) body["base"]!["sha"] = pull.BaseSha;
        // The description's own example lists a team without the required "type"; nobody is requested here anyway.
        body["requested_teams"] = new JsonArray();
        body["requested_reviewers"] = new JsonArray();
        return Json(body);
    }

    private IResult ListReviews(HttpContext context, string owner, string repo, int number)
    {
        var (repository, failure) = Authorize(context, owner, repo);
        if (repository is null)
        {
            return failure!;
        }

        var items = new JsonArray();
        foreach (var review in Reviews(repository, number))
        {
            items.Add(ReviewJson(review));
        }

        return Json(items);
    }

    private async Task<IResult> CreateReviewAsync(HttpContext context, string owner, string repo, int number)
    {
        var (repository, failure) = Authorize(context, owner, repo);
        if (repository is null)
        {
            return failure!;
        }

        var request = await ReadJsonAsync(context).ConfigureAwait(false);
        EmulatedPullRequest? pull;
        lock (_gate)
        {
            _pulls.TryGetValue((repository.Id, number), out pull);
        }

        if (pull is null)
        {
            return NotFound();
        }

        var caller = CallerOf(context);
        var reviewEvent = request["event"]?.GetValue<string>() ?? "PENDING";
        if (pull.Author == caller.Login && reviewEvent is "APPROVE" or "REQUEST_CHANGES")
        {
            var what = reviewEvent == "APPROVE" ? "approve" : "request changes on";
            return Error(StatusCodes.Status422UnprocessableEntity, "Unprocessable Entity", [$"Can not {what} your own pull request"]);
        }

        var body = request["body"]?.GetValue<string>() ?? string.Empty;
        if (body.Length > MaxOutputCharacters)
        {
            return Error(StatusCodes.Status422UnprocessableEntity, "Validation Failed", ["Body is too long (maximum is 65536 characters)"]);
        }

        var review = new EmulatedReview(
            NextId(), number, request["commit_id"]?.GetValue<string>() ?? pull.HeadSha, body,
            reviewEvent switch { "APPROVE" => "APPROVED", "REQUEST_CHANGES" => "CHANGES_REQUESTED", "COMMENT" => "COMMENTED", _ => "PENDING" },
            caller.Login, caller.Installation is { } installation ? ClockOf(installation.App.Id).GetUtcNow() : DateTimeOffset.UtcNow, caller.Type);
        lock (_gate)
        {
            _reviews.Add((repository.Id, review));
        }

        return Json(ReviewJson(review));
    }

    private static JsonObject ReviewJson(EmulatedReview review)
    {
        var body = OpenApiExamples.Get("pull-request-review").AsObject();
        body["id"] = review.Id;
        body["body"] = review.Body;
        body["state"] = review.State;
        body["commit_id"] = review.CommitId;
        body["submitted_at"] = Iso(review.SubmittedAt);
        body["user"]!["login"] = review.User;
        body["user"]!["type"] = review.UserType;
        return body;
    }

    private async Task<IResult> CreateCheckRunAsync(HttpContext context, string owner, string repo)
    {
        var (repository, failure) = Authorize(context, owner, repo);
        if (repository is null)
        {
            return failure!;
        }

        if (CallerOf(context).Installation is not { } installation)
        {
            // Only Apps create check runs; GitHub refuses user tokens.
            return Error(StatusCodes.Status403Forbidden, "You must authenticate via a GitHub App.");
        }

        var request = await ReadJsonAsync(context).ConfigureAwait(false);
        var run = new EmulatedCheckRun
        {
            Id = NextId(),
            Name = request["name"]!.GetValue<string>(),
            HeadSha = request["head_sha"]!.GetValue<string>(),
            Repository = repository.FullName,
            App = installation.App,
        };
        var now = ClockOf(installation.App.Id).GetUtcNow();
        // GitHub sets started_at when a check run is created, queued or not.
        run.StartedAt = now;
        var invalid = Apply(run, request, now);
        if (invalid is not null)
        {
            return invalid;
        }

        lock (_gate)
        {
            _checkRuns.Add(run);
        }

        return Json(CheckRunJson(run), StatusCodes.Status201Created);
    }

    private IResult GetCheckRun(HttpContext context, string owner, string repo, long id)
    {
        var (repository, failure) = Authorize(context, owner, repo);
        if (repository is null)
        {
            return failure!;
        }

        lock (_gate)
        {
            var run = _checkRuns.FirstOrDefault(c => c.Id == id && c.Repository == repository.FullName);
            return run is null ? NotFound() : Json(CheckRunJson(run));
        }
    }

    private async Task<IResult> UpdateCheckRunAsync(HttpContext context, string owner, string repo, long id)
    {
        var (repository, failure) = Authorize(context, owner, repo);
        if (repository is null)
        {
            return failure!;
        }

        var request = await ReadJsonAsync(context).ConfigureAwait(false);
        EmulatedCheckRun? run;
        lock (_gate)
        {
            run = _checkRuns.FirstOrDefault(c => c.Id == id && c.Repository == repository.FullName);
        }

        if (run is null)
        {
            return NotFound();
        }

        if (CallerOf(context).Installation?.App != run.App)
        {
            // A check run belongs to the App that created it.
            return Error(StatusCodes.Status403Forbidden, "Invalid app_id `" + run.App.Id + "` - check run can only be modified by the GitHub App that created it.");
        }

        lock (_gate)
        {
            var invalid = Apply(run, request, ClockOf(run.App.Id).GetUtcNow());
            return invalid ?? Json(CheckRunJson(run));
        }
    }

    /// <summary>Applies a create/update body like GitHub: output replaces title/summary/text, annotations append.</summary>
    private static IResult? Apply(EmulatedCheckRun run, JsonObject request, DateTimeOffset now)
    {
        if (request["output"] is JsonObject output)
        {
            var annotations = output["annotations"] as JsonArray ?? [];
            if (annotations.Count > MaxAnnotationsPerRequest)
            {
                return Error(StatusCodes.Status422UnprocessableEntity, "Invalid request.\n\nOnly 50 annotations are allowed per request.");
            }

            foreach (var field in new[] { "summary", "text" })
            {
                if (output[field]?.GetValue<string>() is { Length: > MaxOutputCharacters })
                {
                    return Error(StatusCodes.Status422UnprocessableEntity, $"Invalid request.\n\nOnly 65535 characters are allowed; {field} is too long.");
                }
            }

            run.Title = output["title"]?.GetValue<string>();
            run.Summary = output["summary"]?.GetValue<string>();
            run.Text = output["text"]?.GetValue<string>() ?? run.Text;
            run.Annotations.AddRange(annotations.Select(a => a!.DeepClone().AsObject()));
            run.AnnotationsPerRequest.Add(annotations.Count);
        }

        run.ExternalId = request["external_id"]?.GetValue<string>() ?? run.ExternalId;
        run.DetailsUrl = request["details_url"]?.GetValue<string>() ?? run.DetailsUrl;
        var conclusion = request["conclusion"]?.GetValue<string>();
        var status = request["status"]?.GetValue<string>() ?? (conclusion is not null ? "completed" : null);
        if (status is not null && status != run.Status || run.StatusHistory.Count == 0)
        {
            run.Status = status ?? run.Status;
            run.StatusHistory.Add(run.Status);
        }

        if (run.Status == "in_progress")
        {
            run.StartedAt ??= now;
        }

        if (run.Status == "completed")
        {
            if (conclusion is null && run.Conclusion is null)
            {
                return Error(StatusCodes.Status422UnprocessableEntity, "Invalid request.\n\nconclusion is required when status is completed.");
            }

            run.Conclusion = conclusion ?? run.Conclusion;
            run.CompletedAt ??= now;
        }

        return null;
    }

    private static JsonObject CheckRunJson(EmulatedCheckRun run)
    {
        var body = OpenApiExamples.Get("check-run").AsObject();
        body["id"] = run.Id;
        body["name"] = run.Name;
        body["head_sha"] = run.HeadSha;
        body["external_id"] = run.ExternalId ?? string.Empty;
        body["details_url"] = run.DetailsUrl;
        body["status"] = run.Status;
        body["conclusion"] = run.Conclusion;
        body["started_at"] = run.StartedAt is { } started ? Iso(started) : null;
        body["completed_at"] = run.CompletedAt is { } completed ? Iso(completed) : null;
        var app = body["app"]!.AsObject();
        app["id"] = run.App.Id;
        app["slug"] = run.App.Slug;
        app["name"] = run.App.Slug;
        var output = body["output"]!.AsObject();
        output["title"] = run.Title;
        output["summary"] = run.Summary;
        output["text"] = run.Text;
        output["annotations_count"] = run.Annotations.Count;
        return body;
    }

    private IResult ListCheckRunsForRef(HttpContext context, string owner, string repo, string sha, string? check_name, long? app_id)
    {
        var (repository, failure) = Authorize(context, owner, repo);
        if (repository is null)
        {
            return failure!;
        }

        var runs = CheckRuns(repository)
            .Where(c => c.HeadSha == sha && (check_name is null || c.Name == check_name) && (app_id is null || c.App.Id == app_id))
            .ToList();
        var items = new JsonArray();
        lock (_gate)
        {
            foreach (var run in runs)
            {
                items.Add(CheckRunJson(run));
            }
        }

        return Json(new JsonObject { ["total_count"] = runs.Count, ["check_runs"] = items });
    }

    private IResult ListComments(HttpContext context, string owner, string repo, int number)
    {
        var (repository, failure) = Authorize(context, owner, repo);
        if (repository is null)
        {
            return failure!;
        }

        var items = new JsonArray();
        foreach (var comment in Comments(repository, number))
        {
            items.Add(CommentJson(comment));
        }

        return Json(items);
    }

    private async Task<IResult> CreateCommentAsync(HttpContext context, string owner, string repo, int number)
    {
        var (repository, failure) = Authorize(context, owner, repo);
        if (repository is null)
        {
            return failure!;
        }

        var request = await ReadJsonAsync(context).ConfigureAwait(false);
        var caller = CallerOf(context);
        var comment = new EmulatedComment(NextId(), number, request["body"]!.GetValue<string>(), caller.Login, caller.Type);
        lock (_gate)
        {
            _comments.Add((repository.Id, comment));
        }

        return Json(CommentJson(comment), StatusCodes.Status201Created);
    }

    private static JsonObject CommentJson(EmulatedComment comment)
    {
        var body = OpenApiExamples.Get("issue-comment").AsObject();
        body["id"] = comment.Id;
        body["body"] = comment.Body;
        body["user"]!["login"] = comment.User;
        body["user"]!["type"] = comment.UserType;
        return body;
    }

    /// <summary>Like GitHub: only the comment's author may edit it; the body is replaced.</summary>
    private async Task<IResult> UpdateCommentAsync(HttpContext context, string owner, string repo, long id)
    {
        var (repository, failure) = Authorize(context, owner, repo);
        if (repository is null)
        {
            return failure!;
        }

        var request = await ReadJsonAsync(context).ConfigureAwait(false);
        var caller = CallerOf(context);
        EmulatedComment updated;
        lock (_gate)
        {
            var index = _comments.FindIndex(c => c.Repo == repository.Id && c.Comment.Id == id);
            if (index < 0)
            {
                return NotFound();
            }

            var comment = _comments[index].Comment;
            if (!string.Equals(comment.User, caller.Login, StringComparison.Ordinal))
            {
                return Error(StatusCodes.Status403Forbidden, "Must have admin rights to Repository.");
            }

            updated = comment with { Body = request["body"]!.GetValue<string>(), Edits = comment.Edits + 1 };
            _comments[index] = (repository.Id, updated);
        }

        return Json(CommentJson(updated));
    }

    /// <summary>Like GitHub: only the review's author may edit its body; state and commit stay.</summary>
    private async Task<IResult> UpdateReviewAsync(HttpContext context, string owner, string repo, int number, long id)
    {
        var (repository, failure) = Authorize(context, owner, repo);
        if (repository is null)
        {
            return failure!;
        }

        var request = await ReadJsonAsync(context).ConfigureAwait(false);
        var body = request["body"]!.GetValue<string>();
        if (body.Length > MaxOutputCharacters)
        {
            return Error(StatusCodes.Status422UnprocessableEntity, "Validation Failed", ["Body is too long (maximum is 65536 characters)"]);
        }

        var caller = CallerOf(context);
        EmulatedReview updated;
        lock (_gate)
        {
            var index = _reviews.FindIndex(r => r.Repo == repository.Id && r.Review.PullNumber == number && r.Review.Id == id);
            if (index < 0)
            {
                return NotFound();
            }

            var review = _reviews[index].Review;
            if (!string.Equals(review.User, caller.Login, StringComparison.Ordinal))
            {
                return Error(StatusCodes.Status403Forbidden, "Must have admin rights to Repository.");
            }

            updated = review with { Body = body, Edits = review.Edits + 1 };
            _reviews[index] = (repository.Id, updated);
        }

        return Json(ReviewJson(updated));
    }

    private IResult GetPermission(HttpContext context, string owner, string repo, string username)
    {
        var (repository, failure) = Authorize(context, owner, repo);
        if (repository is null)
        {
            return failure!;
        }

        string? permission;
        lock (_gate)
        {
            _permissions.TryGetValue((repository.Id, username), out permission);
        }

        if (permission is null)
        {
            return Error(StatusCodes.Status404NotFound, $"{username} is not a user");
        }

        var body = OpenApiExamples.Get("repository-collaborator-permission-response-if-user-has-admin-permissions").AsObject();
        body["permission"] = permission;
        body["role_name"] = permission;
        body["user"]!["login"] = username;
        body["user"]!["role_name"] = permission;
        return Json(body);
    }

    private async Task<IResult> GetContentsAsync(HttpContext context, string owner, string repo, string path, string? @ref)
    {
        var (repository, failure) = Authorize(context, owner, repo);
        if (repository is null)
        {
            return failure!;
        }

        if (repository.GitDirectory is null)
        {
            return NotFound();
        }

        var reference = string.IsNullOrEmpty(@ref) ? repository.DefaultBranch : @ref;
        var blob = await GitBlobAsync(repository.GitDirectory, reference, path, context.RequestAborted).ConfigureAwait(false);
        if (blob is null)
        {
            return NotFound();
        }

        var body = OpenApiExamples.Get("content-file-response-if-content-is-a-file").AsObject();
        body["name"] = Path.GetFileName(path);
        body["path"] = path;
        body["sha"] = blob.Value.Sha;
        body["size"] = blob.Value.Content.Length;
        // GitHub wraps the base64 at 60 characters.
        body["content"] = string.Join('\n', Convert.ToBase64String(blob.Value.Content).Chunk(60).Select(c => new string(c))) + "\n";
        return Json(body);
    }

    private static async Task<JsonObject> ReadJsonAsync(HttpContext context)
    {
        var node = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted).ConfigureAwait(false);
        return node as JsonObject ?? throw new JsonException("Request body is not a JSON object.");
    }
}

using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Grader.Testing.GitHub;

/// <summary>
/// A stateful, in-process emulator of the GitHub REST endpoints the grader uses, on a loopback port. It verifies
/// App JWTs (RS256 signature, iat/exp) and installation tokens like GitHub does, keeps check runs, reviews and
/// comments, serves contents and git clones from real repositories, and injects faults on request.
/// </summary>
public sealed partial class GitHubEmulator : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Lock _gate = new();
    private readonly List<EmulatedApp> _apps = [];
    private readonly List<EmulatedInstallation> _installations = [];
    private readonly List<EmulatedRepository> _repositories = [];
    private readonly Dictionary<string, IssuedToken> _tokens = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string Login, long RepositoryId)> _userTokens = new(StringComparer.Ordinal);
    private readonly Dictionary<(long Repo, int Number), EmulatedPullRequest> _pulls = [];
    private readonly Dictionary<(long Repo, string User), string> _permissions = [];
    private readonly List<(long Repo, EmulatedReview Review)> _reviews = [];
    private readonly List<(long Repo, EmulatedComment Comment)> _comments = [];
    private readonly List<EmulatedCheckRun> _checkRuns = [];
    private readonly List<Fault> _faults = [];
    private readonly List<(string PathPrefix, TaskCompletionSource Release)> _stalls = [];
    private readonly List<RecordedRequest> _requests = [];
    private readonly Dictionary<long, TimeProvider> _clocks = [];
    private readonly string _gitRoot = Directory.CreateTempSubdirectory("grader-gh-emulator-").FullName;
    private long _nextId = 1000;

    private GitHubEmulator(WebApplication app)
    {
        _app = app;
    }

    /// <summary>The emulator's own root, e.g. http://127.0.0.1:PORT/ (API and git share it, like github.com's hosts).</summary>
    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>Where requests to /api/v3/... (an Enterprise Server's API root) are forwarded, without that prefix; null: not served.</summary>
    public Uri? EnterpriseUpstream { get; set; }

    public static async Task<GitHubEmulator> StartAsync(CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = 64 * 1024 * 1024);
        var app = builder.Build();
        var emulator = new GitHubEmulator(app);
        emulator.MapRoutes();
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        emulator.BaseUrl = new Uri(address.TrimEnd('/') + "/");
        return emulator;
    }

    // ---- Setting up state -------------------------------------------------------------------------------------

    /// <summary>Registers an App; its JWTs and tokens are judged by <paramref name="time"/> (a test's fake clock).</summary>
    public EmulatedApp CreateApp(string slug, TimeProvider? time = null)
    {
        lock (_gate)
        {
            var app = new EmulatedApp(NextId(), slug);
            _apps.Add(app);
            _clocks[app.Id] = time ?? TimeProvider.System;
            return app;
        }
    }

    public EmulatedInstallation AddInstallation(EmulatedApp app, string account)
    {
        lock (_gate)
        {
            var installation = new EmulatedInstallation { Id = NextId(), App = app, Account = account };
            _installations.Add(installation);
            return installation;
        }
    }

    /// <summary>Adds a repository to an installation, optionally backed by a real git repository (its git directory).</summary>
    public EmulatedRepository AddRepository(EmulatedInstallation installation, string owner, string name, string? gitDirectory = null, string defaultBranch = "main")
    {
        lock (_gate)
        {
            var repository = new EmulatedRepository
            {
                Id = NextId(), Owner = owner, Name = name, InstallationId = installation.Id,
                GitDirectory = gitDirectory, DefaultBranch = defaultBranch,
            };
            _repositories.Add(repository);
            if (gitDirectory is not null)
            {
                var link = Path.Combine(_gitRoot, owner, name + ".git");
                Directory.CreateDirectory(Path.GetDirectoryName(link)!);
                Directory.CreateSymbolicLink(link, Path.GetFullPath(gitDirectory));
            }

            return repository;
        }
    }

    /// <summary>Installs another App's installation on an existing repository, as a repository owner can.</summary>
    public void AddInstallationTo(EmulatedRepository repository, EmulatedInstallation installation)
    {
        lock (_gate)
        {
            repository.OtherInstallationIds.Add(installation.Id);
        }
    }

    /// <summary>An installation token issued without the App's JWT dance, for test arrangement (e.g. another App acting).</summary>
    public string IssueInstallationToken(EmulatedInstallation installation) => Issue(installation).Token;

    /// <summary>A personal access token with which <paramref name="login"/> (a user, e.g. the learner) acts on one repository.</summary>
    public string IssueUserToken(EmulatedRepository repository, string login)
    {
        var token = "ghp_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(18));
        lock (_gate)
        {
            _userTokens[token] = (login, repository.Id);
        }

        return token;
    }

    public void AddPullRequest(EmulatedRepository repository, EmulatedPullRequest pullRequest)
    {
        lock (_gate)
        {
            _pulls[(repository.Id, pullRequest.Number)] = pullRequest;
        }
    }

    public void SetPermission(EmulatedRepository repository, string user, string permission)
    {
        lock (_gate)
        {
            _permissions[(repository.Id, user)] = permission;
        }
    }

    /// <summary>Makes the next <see cref="Fault.Count"/> matching requests fail the given way.</summary>
    public void InjectFault(Fault fault)
    {
        lock (_gate)
        {
            _faults.Add(fault);
        }
    }

    /// <summary>Faults not yet served (all of their <see cref="Fault.Count"/>), e.g. to check a test really met its faults.</summary>
    public IReadOnlyList<Fault> PendingFaults()
    {
        lock (_gate)
        {
            return [.. _faults];
        }
    }

    /// <summary>Drops every fault not yet served.</summary>
    public void ClearFaults()
    {
        lock (_gate)
        {
            _faults.Clear();
        }
    }

    /// <summary>
    /// A GitHub that does not answer: requests whose path starts with <paramref name="pathPrefix"/> wait (until the
    /// client gives up) while the returned handle is not disposed; disposing it lets them and later ones through.
    /// </summary>
    public IDisposable Stall(string pathPrefix)
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            _stalls.Add((pathPrefix, release));
        }

        return new StallHandle(this, pathPrefix, release);
    }

    private sealed class StallHandle(GitHubEmulator emulator, string pathPrefix, TaskCompletionSource release) : IDisposable
    {
        public void Dispose()
        {
            lock (emulator._gate)
            {
                emulator._stalls.Remove((pathPrefix, release));
            }

            release.TrySetResult();
        }
    }

    // ---- Reading state (snapshots) ----------------------------------------------------------------------------

    public IReadOnlyList<EmulatedCheckRun> CheckRuns(EmulatedRepository repository)
    {
        lock (_gate)
        {
            return _checkRuns.Where(c => c.Repository == repository.FullName).ToList();
        }
    }

    public IReadOnlyList<EmulatedReview> Reviews(EmulatedRepository repository, int pullNumber)
    {
        lock (_gate)
        {
            return _reviews.Where(r => r.Repo == repository.Id && r.Review.PullNumber == pullNumber).Select(r => r.Review).ToList();
        }
    }

    public IReadOnlyList<EmulatedComment> Comments(EmulatedRepository repository, int issueNumber)
    {
        lock (_gate)
        {
            return _comments.Where(c => c.Repo == repository.Id && c.Comment.IssueNumber == issueNumber).Select(c => c.Comment).ToList();
        }
    }

    /// <summary>Requests the emulator answered, oldest first, optionally only those whose path starts with a prefix.</summary>
    public IReadOnlyList<RecordedRequest> Requests(string? pathPrefix = null)
    {
        lock (_gate)
        {
            return _requests.Where(r => pathPrefix is null || r.Path.StartsWith(pathPrefix, StringComparison.Ordinal)).ToList();
        }
    }

    /// <summary>Installation tokens issued so far for an installation.</summary>
    public IReadOnlyList<string> IssuedTokens(EmulatedInstallation installation)
    {
        lock (_gate)
        {
            return _tokens.Values.Where(t => t.InstallationId == installation.Id).OrderBy(t => t.IssuedAt).Select(t => t.Token).ToList();
        }
    }

    private long NextId() => Interlocked.Increment(ref _nextId);

    private TimeProvider ClockOf(long appId)
    {
        lock (_gate)
        {
            return _clocks[appId];
        }
    }

    private sealed record IssuedToken(string Token, long InstallationId, DateTimeOffset IssuedAt, DateTimeOffset ExpiresAt);

    // ---- HTTP ---------------------------------------------------------------------------------------------------

    private void MapRoutes()
    {
        _app.Use(RecordAndInjectFaultsAsync);

        _app.MapPost("/app/installations/{installationId:long}/access_tokens", CreateInstallationToken);
        _app.MapGet("/installation/repositories", ListInstallationRepositories);
        _app.MapGet("/repos/{owner}/{repo}", GetRepository);
        _app.MapGet("/repos/{owner}/{repo}/pulls/{number:int}", GetPullRequest);
        _app.MapGet("/repos/{owner}/{repo}/pulls/{number:int}/reviews", ListReviews);
        _app.MapPost("/repos/{owner}/{repo}/pulls/{number:int}/reviews", CreateReviewAsync);
        _app.MapPut("/repos/{owner}/{repo}/pulls/{number:int}/reviews/{id:long}", UpdateReviewAsync);
        _app.MapPost("/repos/{owner}/{repo}/check-runs", CreateCheckRunAsync);
        _app.MapGet("/repos/{owner}/{repo}/check-runs/{id:long}", GetCheckRun);
        _app.MapPatch("/repos/{owner}/{repo}/check-runs/{id:long}", UpdateCheckRunAsync);
        _app.MapGet("/repos/{owner}/{repo}/commits/{sha}/check-runs", ListCheckRunsForRef);
        _app.MapGet("/repos/{owner}/{repo}/issues/{number:int}/comments", ListComments);
        _app.MapPost("/repos/{owner}/{repo}/issues/{number:int}/comments", CreateCommentAsync);
        _app.MapPatch("/repos/{owner}/{repo}/issues/comments/{id:long}", UpdateCommentAsync);
        _app.MapGet("/repos/{owner}/{repo}/collaborators/{username}/permission", GetPermission);
        _app.MapGet("/repos/{owner}/{repo}/contents/{**path}", GetContentsAsync);
        _app.Map("/{owner}/{repo}.git/{**rest}", ServeGitAsync);
    }

    private async Task RecordAndInjectFaultsAsync(HttpContext context, RequestDelegate next)
    {
        var request = context.Request;
        request.EnableBuffering();
        string body;
        using (var reader = new StreamReader(request.Body, Encoding.UTF8, leaveOpen: true))
        {
            body = request.Path.Value?.Contains(".git/", StringComparison.Ordinal) == true ? string.Empty : await reader.ReadToEndAsync(context.RequestAborted).ConfigureAwait(false);
        }

        request.Body.Position = 0;
        var path = request.Path.Value ?? "/";
        Task? stalled;
        lock (_gate)
        {
            stalled = _stalls.FirstOrDefault(s => path.StartsWith(s.PathPrefix, StringComparison.Ordinal)).Release?.Task;
        }

        if (stalled is not null)
        {
            await stalled.WaitAsync(context.RequestAborted).ConfigureAwait(false);
        }

        if (EnterpriseUpstream is { } upstream && path.StartsWith("/api/v3/", StringComparison.Ordinal))
        {
            // Recorded before the answer is passed on, so a client that has read the answer finds its request recorded.
            await ForwardEnterpriseAsync(context, upstream, path["/api/v3".Length..], body, status => Record(request, path, body, status)).ConfigureAwait(false);
            return;
        }

        if (TakeFault(request.Method, path, body) is { } fault)
        {
            if (fault.Stores)
            {
                await StoreThenFailAsync(context, next, fault).ConfigureAwait(false);
            }
            else
            {
                await WriteFaultAsync(context, fault).ConfigureAwait(false);
            }
        }
        else
        {
            await next(context).ConfigureAwait(false);
        }

        Record(request, path, body, context.Response.StatusCode);
    }

    private void Record(HttpRequest request, string path, string body, int status)
    {
        lock (_gate)
        {
            _requests.Add(new RecordedRequest(request.Method, path, request.QueryString.Value ?? string.Empty, request.Headers.Authorization.ToString(), body, status));
        }
    }

    private Fault? TakeFault(string method, string path, string body)
    {
        lock (_gate)
        {
            var index = _faults.FindIndex(f => (f.Method is null || string.Equals(f.Method, method, StringComparison.OrdinalIgnoreCase))
                                               && path.StartsWith(f.PathPrefix, StringComparison.Ordinal)
                                               && (f.BodyContains is null || body.Contains(f.BodyContains, StringComparison.Ordinal)));
            if (index < 0)
            {
                return null;
            }

            var fault = _faults[index];
            if (fault.Skip > 0)
            {
                _faults[index] = fault with { Skip = fault.Skip - 1 };
                return null;
            }

            if (fault.Count <= 1)
            {
                _faults.RemoveAt(index);
            }
            else
            {
                _faults[index] = fault with { Count = fault.Count - 1 };
            }

            return fault;
        }
    }

    /// <summary>
    /// What makes a blind retry dangerous: the request is acted on (its answer is discarded), then the client gets a
    /// 5xx, no answer at all until it gives up, or a dropped connection.
    /// </summary>
    private static async Task StoreThenFailAsync(HttpContext context, RequestDelegate next, Fault fault)
    {
        var response = context.Response;
        var original = response.Body;
        using (var discarded = new MemoryStream())
        {
            response.Body = discarded;
            try
            {
                await next(context).ConfigureAwait(false);
            }
            finally
            {
                response.Body = original;
            }
        }

        response.Clear();
        switch (fault.Kind)
        {
            case FaultKind.StoredThenTimeout:
                try
                {
                    await Task.Delay(Timeout.Infinite, context.RequestAborted).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    // The client gave up: the point of the fault.
                }

                break;
            case FaultKind.StoredThenConnectionReset:
                context.Abort();
                break;
            default:
                var status = fault.Kind == FaultKind.StoredThenInternalError ? StatusCodes.Status500InternalServerError : StatusCodes.Status502BadGateway;
                await WriteJsonAsync(context, new JsonObject { ["message"] = "Server Error" }, status).ConfigureAwait(false);
                break;
        }
    }

    private static async Task WriteFaultAsync(HttpContext context, Fault fault)
    {
        var response = context.Response;
        string message;
        switch (fault.Kind)
        {
            case FaultKind.ServerError:
                response.StatusCode = StatusCodes.Status502BadGateway;
                message = "Server Error";
                break;
            case FaultKind.InternalServerError:
                response.StatusCode = StatusCodes.Status500InternalServerError;
                message = "Server Error";
                break;
            case FaultKind.TooManyRequests:
                response.StatusCode = StatusCodes.Status429TooManyRequests;
                response.Headers.RetryAfter = Seconds(fault.RetryAfter ?? TimeSpan.FromSeconds(1));
                message = "Too many requests";
                break;
            case FaultKind.SecondaryRateLimit:
                response.StatusCode = StatusCodes.Status403Forbidden;
                if (fault.RetryAfter is { } retryAfter)
                {
                    response.Headers.RetryAfter = Seconds(retryAfter);
                }

                message = "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.";
                break;
            case FaultKind.ResourceNotAccessible:
                response.StatusCode = StatusCodes.Status403Forbidden;
                message = "Resource not accessible by integration";
                break;
            default:
                response.StatusCode = StatusCodes.Status403Forbidden;
                var reset = fault.ResetAt ?? DateTimeOffset.UtcNow.AddHours(1);
                response.Headers["x-ratelimit-limit"] = "5000";
                response.Headers["x-ratelimit-remaining"] = "0";
                response.Headers["x-ratelimit-used"] = "5000";
                response.Headers["x-ratelimit-reset"] = reset.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
                message = "API rate limit exceeded for installation.";
                break;
        }

        await WriteJsonAsync(context, new JsonObject { ["message"] = message, ["documentation_url"] = "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api" }, response.StatusCode).ConfigureAwait(false);
    }

    private static string Seconds(TimeSpan span) => ((long)Math.Ceiling(span.TotalSeconds)).ToString(CultureInfo.InvariantCulture);

    private static Task WriteJsonAsync(HttpContext context, JsonNode body, int status)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        return context.Response.WriteAsync(body.ToJsonString(), context.RequestAborted);
    }

    private static IResult Json(JsonNode body, int status = StatusCodes.Status200OK) =>
        Results.Text(body.ToJsonString(), "application/json; charset=utf-8", Encoding.UTF8, status);

    private static IResult Error(int status, string message, JsonArray? errors = null)
    {
        var body = new JsonObject { ["message"] = message, ["documentation_url"] = "https://docs.github.com/rest" };
        if (errors is not null)
        {
            body["errors"] = errors;
        }

        return Json(body, status);
    }

    private static IResult BadCredentials() => Error(StatusCodes.Status401Unauthorized, "Bad credentials");

    private static IResult NotFound() => Error(StatusCodes.Status404NotFound, "Not Found");

    private async Task ForwardEnterpriseAsync(HttpContext context, Uri upstream, string rest, string body, Action<int> record)
    {
        using var client = new HttpClient();
        using var forward = new HttpRequestMessage(new HttpMethod(context.Request.Method), new Uri(upstream, rest.TrimStart('/') + context.Request.QueryString.Value));
        foreach (var header in context.Request.Headers)
        {
            if (!header.Key.StartsWith("Content-", StringComparison.OrdinalIgnoreCase) && !string.Equals(header.Key, "Host", StringComparison.OrdinalIgnoreCase))
            {
                forward.Headers.TryAddWithoutValidation(header.Key, header.Value.ToArray());
            }
        }

        if (body.Length > 0)
        {
            forward.Content = new StringContent(body, Encoding.UTF8);
            forward.Content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(context.Request.ContentType ?? "application/json");
        }

        using var answer = await client.SendAsync(forward, context.RequestAborted).ConfigureAwait(false);
        record((int)answer.StatusCode);
        context.Response.StatusCode = (int)answer.StatusCode;
        foreach (var header in answer.Headers.Concat(answer.Content.Headers))
        {
            if (header.Key is not ("Transfer-Encoding" or "Connection" or "Keep-Alive"))
            {
                context.Response.Headers[header.Key] = header.Value.ToArray();
            }
        }

        await answer.Content.CopyToAsync(context.Response.Body, context.RequestAborted).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        foreach (var app in _apps)
        {
            app.Dispose();
        }

        try
        {
            Directory.Delete(_gitRoot, recursive: true);
        }
        catch (IOException ex)
        {
            // Leaving a temp directory behind must not fail a test run; say so on stderr.
            await Console.Error.WriteLineAsync($"Could not delete {_gitRoot}: {ex.Message}").ConfigureAwait(false);
        }
    }

    internal static string NewToken() =>
        "ghs_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(18));

    internal static string Iso(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    internal static HttpStatusCode Status(int code) => (HttpStatusCode)code;
}

using System.Security.Cryptography;
using System.Text;
using Grader.Rubrics.Model;
using LibGit2Sharp;
using Microsoft.Extensions.Logging;

namespace Grader.Runner.Checkout;

/// <summary>
/// Checks submissions out with LibGit2Sharp. Remote repositories are mirrored (bare) under
/// <see cref="CheckoutSettings.MirrorCache"/>, one mirror per clone URL, so a re-grade fetches only new objects,
/// and nothing is fetched when the requested commit is already there. The commit's tree is measured in memory
/// against <see cref="CheckoutLimits"/> first (a submission over a limit is refused before anything is
/// written), then written into the job's folder without a .git folder: no remote URL or credential ever lands
/// next to learner code. A fetch is stopped when it receives more than its limit; mirrors are size-bounded
/// and pruned least recently used first.
/// </summary>
public sealed partial class GitSubmissionCheckout : ISubmissionCheckout
{
    /// <summary>The user name GitHub expects with an installation or personal access token.</summary>
    public const string TokenUserName = "x-access-token";

    private const string RemoteName = "origin";

    private readonly CheckoutSettings _options;
    private readonly MirrorCache _mirrors;
    private readonly ILogger<GitSubmissionCheckout> _logger;

    public GitSubmissionCheckout(CheckoutSettings settings, ILogger<GitSubmissionCheckout> logger)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _options = settings;
        _mirrors = new MirrorCache(_options.MirrorCache, _options.Checkout, logger);
        _logger = logger;
    }

    public async Task<CheckedOutSubmission> CheckoutAsync(SubmissionSource source, string workDirectory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        return source switch
        {
            LocalFolderSubmission folder => await Task.Run(() => CheckFolder(folder, cancellationToken), cancellationToken).ConfigureAwait(false),
            LocalRepositorySubmission local => await Task.Run(() => CheckoutLocal(local, workDirectory, cancellationToken), cancellationToken).ConfigureAwait(false),
            RemoteRepositorySubmission remote => await CheckoutRemoteAsync(remote, workDirectory, cancellationToken).ConfigureAwait(false),
            _ => throw new ArgumentException($"Unknown submission source {source.GetType().Name}.", nameof(source)),
        };
    }

    /// <summary>The mirror folder of a clone URL (a hash of the URL without credentials).</summary>
    public string MirrorPathFor(Uri cloneUrl)
    {
        var key = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(RemoteRepositorySubmission.SafeUrl(cloneUrl))))[..24];
        return Path.Combine(_options.MirrorCache, key + ".git");
    }

    /// <summary>
    /// A folder is graded in place, so it is only measured, links not followed, against the commit's entry and depth
    /// limits. Its .git folder is not walked and file bytes are not counted: a learner's working folder may hold a
    /// large ignored data set, which the build context (.dockerignore, MaxContextBytes) and document caps bound.
    /// </summary>
    private CheckedOutSubmission CheckFolder(LocalFolderSubmission folder, CancellationToken cancellationToken)
    {
        var path = Path.GetFullPath(folder.Path);
        if (!Directory.Exists(path)) throw new GraderInfrastructureException($"The submission folder {path} does not exist.");
        var budget = new TreeBudget(_options.Checkout);
        foreach (var _ in FolderWalk.Enumerate(path, budget, descend: e => e.RelativePath != ".git", cancellationToken))
        {
            // Counting is the budget's: the walk refuses at the first limit passed.
        }
        return new CheckedOutSubmission(path, null, 0, Fetched: false);
    }

    private CheckedOutSubmission CheckoutLocal(LocalRepositorySubmission local, string workDirectory, CancellationToken cancellationToken)
    {
        var path = Path.GetFullPath(local.Path);
        if (!Repository.IsValid(path)) throw new GraderInfrastructureException($"{path} is not a git repository.");
        using var repo = new Repository(path);
        var commit = Resolve(repo, local.Revision ?? "HEAD", path);
        var (target, dropped) = Export(repo, commit, workDirectory, cancellationToken);
        LogCheckedOut(_logger, path, commit.Sha, 0);
        return new CheckedOutSubmission(target, commit.Sha, 0, Fetched: false) { Dropped = dropped };
    }

    /// <summary>Plans the commit's tree in memory (refusing it over a limit), then writes it.</summary>
    private (string Directory, IReadOnlyList<string> Dropped) Export(Repository repo, Commit commit, string workDirectory, CancellationToken cancellationToken)
    {
        var plan = TreePlanner.Plan(repo, commit.Tree, _options.Checkout, cancellationToken);
        var target = Path.Combine(workDirectory, "submission");
        TreeExporter.Export(repo, plan, target, cancellationToken);
        if (plan.Dropped.Count > 0) LogDropped(_logger, commit.Sha, plan.Dropped.Count, string.Join("; ", plan.Dropped.Take(5)));
        return (target, plan.Dropped);
    }

    private async Task<CheckedOutSubmission> CheckoutRemoteAsync(RemoteRepositorySubmission remote, string workDirectory, CancellationToken cancellationToken)
    {
        var (url, token) = SplitCredentials(remote);
        var mirror = MirrorPathFor(remote.CloneUrl);
        try
        {
            using (await _mirrors.AcquireAsync(mirror, cancellationToken).ConfigureAwait(false))
            {
                return await Task.Run(() => CheckoutFromMirror(remote, url, token, mirror, workDirectory, cancellationToken), cancellationToken).ConfigureAwait(false);
            }
        }
        catch (LibGit2SharpException ex)
        {
            throw new GraderInfrastructureException($"Fetching {remote.Describe()} failed: {Scrub(ex.Message, token)}");
        }
        finally
        {
            // After every checkout, also a failed one: the cache stays within its bound whatever happened.
            _mirrors.Prune(inUse: mirror);
        }
    }

    /// <summary>Checks out under the mirror's lease; the mirror's size and last use are recorded after the export, and a refused fetch deletes it.</summary>
    private CheckedOutSubmission CheckoutFromMirror(RemoteRepositorySubmission remote, string url, string? token, string mirror, string workDirectory, CancellationToken cancellationToken)
    {
        try
        {
            return CheckoutFromMirrorCore(remote, url, token, mirror, workDirectory, cancellationToken);
        }
        catch (SubmissionRefusedException ex) when (ex.InnerException is UserCancelledException)
        {
            // The refused fetch's partial pack must not stay behind; the mirror is rebuilt by the next fetch.
            MirrorCache.Delete(mirror);
            throw;
        }
        finally
        {
            _mirrors.RecordUse(mirror);
        }
    }

    private CheckedOutSubmission CheckoutFromMirrorCore(RemoteRepositorySubmission remote, string url, string? token, string mirror, string workDirectory, CancellationToken cancellationToken)
    {
        if (!Repository.IsValid(mirror))
        {
            if (Directory.Exists(mirror)) Directory.Delete(mirror, recursive: true);
            Directory.CreateDirectory(mirror);
            Repository.Init(mirror, isBare: true);
        }
        using var repo = new Repository(mirror);
        if (repo.Network.Remotes[RemoteName] is null) repo.Network.Remotes.Add(RemoteName, url);

        var received = 0;
        var fetched = false;
        // An unchanged commit that the mirror already holds needs no network at all.
        var commit = remote.CommitSha is not null ? repo.Lookup<Commit>(remote.CommitSha) : null;
        if (commit is null)
        {
            var refspecs = remote.Ref is null
                ? new[] { "+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*" }
                : [RefspecFor(remote.Ref)];
            received += Fetch(repo, refspecs, token, _options.Checkout.MaxFetchBytes, cancellationToken);
            fetched = true;
            commit = remote.CommitSha is not null
                ? repo.Lookup<Commit>(remote.CommitSha)
                : Resolve(repo, remote.Ref ?? "HEAD", remote.Describe());
            if (commit is null && remote.CommitSha is not null)
            {
                // Hosts such as GitHub serve a commit by SHA even when no fetched ref points at it (force-pushed PRs).
                try
                {
                    received += Fetch(repo, [remote.CommitSha], token, _options.Checkout.MaxFetchBytes, cancellationToken);
                }
                catch (LibGit2SharpException ex)
                {
                    LogShaFetchRefused(_logger, remote.Describe(), Scrub(ex.Message, token));
                }
                commit = repo.Lookup<Commit>(remote.CommitSha);
            }
        }
        if (commit is null)
        {
            throw new GraderInfrastructureException($"Commit {remote.CommitSha} is not in {remote.Describe()} (fetched {remote.Ref ?? "all branches and tags"}).");
        }
        Verify(commit, remote.CommitSha);
        var (target, dropped) = Export(repo, commit, workDirectory, cancellationToken);
        LogCheckedOut(_logger, remote.Describe(), commit.Sha, received);
        return new CheckedOutSubmission(target, commit.Sha, received, fetched) { Dropped = dropped };
    }

    /// <summary>Fetches into the mirror; a fetch that receives more than <paramref name="maxBytes"/> is stopped and the submission refused.</summary>
    private static int Fetch(Repository repo, IEnumerable<string> refspecs, string? token, long maxBytes, CancellationToken cancellationToken)
    {
        var received = 0;
        long receivedBytes = 0;
        var options = new FetchOptions
        {
            TagFetchMode = TagFetchMode.None,
            Prune = false,
            OnTransferProgress = p =>
            {
                received = p.ReceivedObjects;
                receivedBytes = p.ReceivedBytes;
                return receivedBytes <= maxBytes && !cancellationToken.IsCancellationRequested;
            },
            OnProgress = _ => !cancellationToken.IsCancellationRequested,
        };
        if (token is not null)
        {
            options.CredentialsProvider = (_, _, _) => new UsernamePasswordCredentials { Username = TokenUserName, Password = token };
        }
        try
        {
            Commands.Fetch(repo, RemoteName, refspecs, options, logMessage: null);
        }
        catch (UserCancelledException) when (cancellationToken.IsCancellationRequested)
        {
            cancellationToken.ThrowIfCancellationRequested();
        }
        catch (UserCancelledException ex) when (receivedBytes > maxBytes)
        {
            throw new SubmissionRefusedException(
                $"The repository is larger than {ByteSize.Format(maxBytes)}, the most the grader downloads: the fetch was stopped after {ByteSize.Format(receivedBytes)}. " +
                "Remove large files from the repository and its history (for example with git filter-repo) and keep data sets and model weights out of it.", ex);
        }
        return received;
    }

    private static string RefspecFor(string reference)
    {
        if (reference.StartsWith("refs/", StringComparison.Ordinal)) return $"+{reference}:{reference}";
        return $"+refs/heads/{reference}:refs/heads/{reference}";
    }

    private static Commit Resolve(Repository repo, string revision, string where) =>
        Lookup(repo, revision) ?? throw new GraderInfrastructureException($"{revision} is not a commit, branch or tag of {where}.");

    private static Commit? Lookup(Repository repo, string revision) =>
        repo.Lookup<Commit>(revision)
        ?? repo.Lookup<Commit>("refs/heads/" + revision)
        ?? repo.Lookup<Commit>("refs/tags/" + revision);

    /// <summary>
    /// Whether <paramref name="revision"/> names a commit, branch or tag of the repository at <paramref name="path"/>:
    /// a revision someone typed is checked before grading, so a typo is their usage error, never a grader error.
    /// </summary>
    public static bool RevisionExists(string path, string revision)
    {
        if (!Repository.IsValid(path)) return false;
        using var repo = new Repository(path);
        return Lookup(repo, revision) is not null;
    }

    private static void Verify(Commit commit, string? requested)
    {
        if (requested is null) return;
        if (!commit.Sha.StartsWith(requested, StringComparison.OrdinalIgnoreCase))
        {
            throw new GraderInfrastructureException($"Checked out {commit.Sha}, but {requested} was requested.");
        }
    }

    /// <summary>Separates credentials from the URL: the mirror's config keeps only the safe URL.</summary>
    private static (string Url, string? Token) SplitCredentials(RemoteRepositorySubmission remote)
    {
        var url = remote.CloneUrl;
        var token = remote.Token;
        if (!string.IsNullOrEmpty(url.UserInfo) && token is null)
        {
            var parts = Uri.UnescapeDataString(url.UserInfo).Split(':', 2);
            token = parts.Length == 2 && parts[1].Length > 0 ? parts[1] : parts[0];
        }
        return (RemoteRepositorySubmission.SafeUrl(url), string.IsNullOrEmpty(token) ? null : token);
    }

    private static string Scrub(string message, string? token) =>
        string.IsNullOrEmpty(token) ? message : message.Replace(token, "***", StringComparison.Ordinal);

    [LoggerMessage(Level = Microsoft.Extensions.Logging.LogLevel.Information, Message = "Checked out {Source} at {Commit} ({Objects} objects fetched)")]
    private static partial void LogCheckedOut(ILogger logger, string source, string commit, int objects);

    [LoggerMessage(Level = Microsoft.Extensions.Logging.LogLevel.Information, Message = "Commit {Commit}: {Count} entries left out of the checkout: {Examples}")]
    private static partial void LogDropped(ILogger logger, string commit, int count, string examples);

    [LoggerMessage(Level = Microsoft.Extensions.Logging.LogLevel.Debug, Message = "{Source} refused a fetch by commit SHA: {Reason}")]
    private static partial void LogShaFetchRefused(ILogger logger, string source, string reason);
}

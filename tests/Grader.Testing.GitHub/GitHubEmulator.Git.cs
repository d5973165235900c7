using System.Diagnostics;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Grader.Testing.GitHub;

public sealed partial class GitHubEmulator
{
    /// <summary>A file's bytes and blob id at a ref of a real git repository, or null when it is not a file there.</summary>
    private static async Task<(string Sha, byte[] Content)?> GitBlobAsync(string gitDirectory, string reference, string path, CancellationToken cancellationToken)
    {
        var spec = $"{reference}:{path}";
        var type = await RunGitAsync(gitDirectory, ["cat-file", "-t", spec], cancellationToken).ConfigureAwait(false);
        if (type.ExitCode != 0 || Encoding.UTF8.GetString(type.Output).Trim() != "blob")
        {
            return null;
        }

        var sha = await RunGitAsync(gitDirectory, ["rev-parse", spec], cancellationToken).ConfigureAwait(false);
        var content = await RunGitAsync(gitDirectory, ["cat-file", "blob", spec], cancellationToken).ConfigureAwait(false);
        return (Encoding.UTF8.GetString(sha.Output).Trim(), content.Output);
    }

    private static async Task<(int ExitCode, byte[] Output)> RunGitAsync(string gitDirectory, string[] arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("git") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("--git-dir=" + gitDirectory);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("git did not start.");
        using var output = new MemoryStream();
        var copy = process.StandardOutput.BaseStream.CopyToAsync(output, cancellationToken);
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        await Task.WhenAll(copy, errors, process.WaitForExitAsync(cancellationToken)).ConfigureAwait(false);
        return (process.ExitCode, output.ToArray());
    }

    /// <summary>
    /// Git smart HTTP for clones, like github.com: Basic auth with user x-access-token and an installation token
    /// that may read the repository, then `git http-backend` as a CGI program.
    /// </summary>
    private async Task ServeGitAsync(HttpContext context, string owner, string repo, string? rest)
    {
        if (!Authorized(context, owner, repo))
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            context.Response.Headers.WWWAuthenticate = "Basic realm=\"GitHub\"";
            return;
        }

        var start = new ProcessStartInfo("git", ["http-backend"])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var request = context.Request;
        start.Environment["GIT_PROJECT_ROOT"] = _gitRoot;
        start.Environment["GIT_HTTP_EXPORT_ALL"] = "1";
        start.Environment["PATH_INFO"] = $"/{owner}/{repo}.git/{rest}";
        start.Environment["REQUEST_METHOD"] = request.Method;
        start.Environment["QUERY_STRING"] = request.QueryString.Value?.TrimStart('?') ?? string.Empty;
        start.Environment["CONTENT_TYPE"] = request.ContentType ?? string.Empty;
        start.Environment["REMOTE_USER"] = "x-access-token";
        start.Environment["REMOTE_ADDR"] = "127.0.0.1";
        start.Environment["GIT_PROTOCOL"] = request.Headers["Git-Protocol"].ToString();
        if (request.Headers.ContentEncoding.ToString() is { Length: > 0 } encoding)
        {
            start.Environment["HTTP_CONTENT_ENCODING"] = encoding;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("git http-backend did not start.");
        var errors = process.StandardError.ReadToEndAsync(context.RequestAborted);
        await request.Body.CopyToAsync(process.StandardInput.BaseStream, context.RequestAborted).ConfigureAwait(false);
        process.StandardInput.Close();

        var output = process.StandardOutput.BaseStream;
        await WriteCgiHeadersAsync(output, context.Response, context.RequestAborted).ConfigureAwait(false);
        await output.CopyToAsync(context.Response.Body, context.RequestAborted).ConfigureAwait(false);
        await process.WaitForExitAsync(context.RequestAborted).ConfigureAwait(false);
        await errors.ConfigureAwait(false);
    }

    private bool Authorized(HttpContext context, string owner, string repo)
    {
        var header = context.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header["Basic ".Length..].Trim()));
        }
        catch (FormatException)
        {
            return false;
        }

        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0 || decoded[..colon] != "x-access-token")
        {
            return false;
        }

        var installation = AuthenticateInstallationToken(decoded[(colon + 1)..]);
        lock (_gate)
        {
            return installation is not null && _repositories.Any(r =>
                r.InstallationId == installation.Id && r.GitDirectory is not null
                && string.Equals(r.Owner, owner, StringComparison.OrdinalIgnoreCase) && string.Equals(r.Name, repo, StringComparison.OrdinalIgnoreCase));
        }
    }

    /// <summary>Reads CGI response headers (up to the blank line) byte by byte, so the body stays in the stream.</summary>
    private static async Task WriteCgiHeadersAsync(Stream output, HttpResponse response, CancellationToken cancellationToken)
    {
        var line = new List<byte>();
        var buffer = new byte[1];
        while (true)
        {
            var read = await output.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                return;
            }

            if (buffer[0] != (byte)'\n')
            {
                line.Add(buffer[0]);
                continue;
            }

            var text = Encoding.ASCII.GetString([.. line]).TrimEnd('\r');
            line.Clear();
            if (text.Length == 0)
            {
                return;
            }

            var colon = text.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                continue;
            }

            var name = text[..colon].Trim();
            var value = text[(colon + 1)..].Trim();
            if (string.Equals(name, "Status", StringComparison.OrdinalIgnoreCase))
            {
                response.StatusCode = int.Parse(value.AsSpan(0, 3), System.Globalization.CultureInfo.InvariantCulture);
            }
            else
            {
                response.Headers[name] = value;
            }
        }
    }
}

using System.Text;

namespace Grader.Runner.Tests.Service;

/// <summary>
/// A busybox httpd service for tests: static files and CGI shell scripts written into the tmpfs at start
/// (the root filesystem is read-only), then httpd in the foreground as PID 1 on port 8080.
/// </summary>
internal sealed class BusyboxSite
{
    private readonly Dictionary<string, string> _files = new(StringComparer.Ordinal);
    private readonly List<string> _before = [];

    /// <summary>A static file served at <paramref name="path"/> (e.g. "/health").</summary>
    public BusyboxSite File(string path, string content)
    {
        _files["/tmp/www" + path] = content;
        return this;
    }

    /// <summary>A CGI script served at /cgi-bin/<paramref name="name"/>; <paramref name="body"/> runs after the Content-Type header.</summary>
    public BusyboxSite Cgi(string name, string body, string contentType = "text/plain")
    {
        _files["/tmp/www/cgi-bin/" + name] = $"#!/bin/sh\necho 'Content-Type: {contentType}'\necho\n{body}\n";
        return this;
    }

    /// <summary>Shell run before httpd starts (e.g. a slow start).</summary>
    public BusyboxSite Before(string shell)
    {
        _before.Add(shell);
        return this;
    }

    /// <summary>The start script; <paramref name="exec"/> false keeps the shell as PID 1 (httpd its child).</summary>
    public string Script(bool exec = true)
    {
        var script = new StringBuilder("set -e; mkdir -p /tmp/www/cgi-bin; ");
        foreach (var (path, content) in _files)
        {
            var encoded = Convert.ToBase64String(Encoding.UTF8.GetBytes(content));
            script.Append($"mkdir -p $(dirname {path}); echo {encoded} | base64 -d > {path}; ");
        }
        script.Append("chmod +x /tmp/www/cgi-bin/* 2>/dev/null || true; ");
        foreach (var shell in _before) script.Append(shell).Append("; ");
        script.Append(exec ? "exec httpd -f -p 8080 -h /tmp/www" : "httpd -f -p 8080 -h /tmp/www");
        return script.ToString();
    }

    public IReadOnlyList<string> Command(bool exec = true) => ["sh", "-c", Script(exec)];
}

namespace Grader.GitHub;

/// <summary>How the grader authenticates as a GitHub App and where the API lives (github.com or Enterprise); section <c>Grader:GitHub</c>, <c>github:</c> in the config file.</summary>
public sealed class GitHubAppOptions
{
    public const string SectionName = "Grader:GitHub";

    /// <summary>The App's numeric id: the JWT's issuer, and <c>check_run.app.id</c> of the check runs it creates.</summary>
    public long AppId { get; set; }

    /// <summary>The App's slug: its reviews are authored by the bot user <c>{slug}[bot]</c>.</summary>
    public string? AppSlug { get; set; }

    /// <summary>The App's private key in PEM (PKCS#1 or PKCS#8). Takes precedence over <see cref="PrivateKeyPath"/>.</summary>
    public string? PrivateKeyPem { get; set; }

    /// <summary>Path of a PEM file holding the App's private key.</summary>
    public string? PrivateKeyPath { get; set; }

    /// <summary>REST API root: https://api.github.com/ or, on Enterprise Server, https://HOST/api/v3/.</summary>
    public Uri ApiBaseUrl { get; set; } = new("https://api.github.com/");

    /// <summary>Product name sent in the User-Agent header, which GitHub requires.</summary>
    public string UserAgent { get; set; } = "grader";

    /// <summary>Name of the check run the grader publishes.</summary>
    public string CheckRunName { get; set; } = "grader";

    /// <summary>Installation tokens live one hour; renew this long before they expire so no call races the expiry.</summary>
    public TimeSpan TokenRefreshMargin { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>App JWT lifetime after now; GitHub refuses more than 10 minutes (iat is backdated by 60 s for clock drift).</summary>
    public TimeSpan JwtLifetime { get; set; } = TimeSpan.FromMinutes(9);
}

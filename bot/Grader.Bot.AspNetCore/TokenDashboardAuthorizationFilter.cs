using System.Security.Cryptography;
using System.Text;
using Hangfire.Dashboard;

namespace Grader.Bot.AspNetCore;

/// <summary>
/// Opens the Hangfire dashboard to requests carrying the configured token as a bearer token or as the
/// basic-auth password (any user name, so a browser prompt works). Constant-time comparison.
/// </summary>
public sealed class TokenDashboardAuthorizationFilter(string token) : IDashboardAuthorizationFilter
{
    private readonly byte[] _token = Encoding.UTF8.GetBytes(token);

    public bool Authorize(DashboardContext context) => Authorize(context.GetHttpContext());

    /// <summary>The same check for any endpoint (the evidence reports).</summary>
    public bool Authorize(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        var header = http.Request.Headers.Authorization.ToString();
        if (Matches(header))
        {
            return true;
        }

        http.Response.Headers.WWWAuthenticate = "Basic realm=\"grader\"";
        return false;
    }

    private bool Matches(string header)
    {
        string? presented = null;
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            presented = header["Bearer ".Length..].Trim();
        }
        else if (header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header["Basic ".Length..].Trim()));
                var colon = decoded.IndexOf(':', StringComparison.Ordinal);
                presented = colon < 0 ? null : decoded[(colon + 1)..];
            }
            catch (FormatException)
            {
                return false;
            }
        }

        return presented is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), _token);
    }
}

using Npgsql;

namespace Grader.Evidence.Database;

/// <summary>Turns a <c>postgres://user:password@host:port/database</c> URL into an Npgsql connection string.</summary>
internal static class PostgresUrl
{
    public static string ToConnectionString(Uri url)
    {
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = url.Host,
            Port = url.IsDefaultPort || url.Port <= 0 ? 5432 : url.Port,
            Database = Uri.UnescapeDataString(url.AbsolutePath.TrimStart('/')),
        };
        if (url.UserInfo.Length > 0)
        {
            var parts = url.UserInfo.Split(':', 2);
            builder.Username = Uri.UnescapeDataString(parts[0]);
            if (parts.Length == 2) builder.Password = Uri.UnescapeDataString(parts[1]);
        }
        return builder.ConnectionString;
    }
}

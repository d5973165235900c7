using Grader.Bot.Configuration;
using Grader.Bot.Storage;
using Grader.Evidence.Database;
using Grader.Evidence.Tests.Support;

namespace Grader.Bot.Tests.Support;

/// <summary>The bot's store on a real test database (SQLite file or fresh PostgreSQL database), and raw reads of it.</summary>
internal static class StoreTestDatabases
{
    public static BotOptions Options(TestDatabase database) => database.Options.Dialect == DatabaseDialect.PostgreSql
        ? new BotOptions { Postgres = database.Options.PostgresConnectionString }
        : new BotOptions { DatabasePath = database.Options.SqlitePath };

    public static GraderStore Open(TestDatabase database, TimeProvider time) =>
        new(Microsoft.Extensions.Options.Options.Create(Options(database)), time);

    /// <summary>A job of PR 2 of course/lab at <paramref name="headSha"/>, as the scheduler records one.</summary>
    public static GradingJobRecord Job(string headSha = "aaaa", bool postsReview = true) => new()
    {
        JobKey = GradingJobRecord.KeyFor("course/lab", 2, headSha),
        PullRequest = new PullRequestRef(11, "course/lab", 2),
        HeadSha = headSha,
        RubricName = "lab",
        RubricPath = "/rubrics/lab.yaml",
        Queue = "cpu",
        PostsReview = postsReview,
    };

    public static async Task<object?> ScalarAsync(TestDatabase database, string sql)
    {
        await using var connections = new DatabaseConnectionFactory(database.Options);
        await using var connection = await connections.OpenAsync(CancellationToken.None);
        return await Sql.ScalarAsync(connection, null, sql, CancellationToken.None);
    }
}

using System.Net;
using System.Text.Json.Nodes;
using Grader.Evidence.Database;
using Grader.Evidence.Reports.Exports;
using Grader.Evidence.Tests.Support;

namespace Grader.Evidence.Tests.Reports;

[Category("Database")]
[Category("Integration")]
public sealed class XapiLrsTests
{
    [Test]
    public async Task Xapi_WithAnLrs_PostsTheSameStatementsWithVersionAndCredentials()
    {
        await using var store = await SeededStore.CreateAsync(DatabaseDialect.Sqlite);
        using var lrs = new LoopbackLrs();

        var file = await store.ExportAsync("xapi", settings: new ExportSettings { LrsEndpoint = lrs.Endpoint, LrsCredentials = "key:secret" });

        var request = lrs.Requests.Single();
        Assert.Multiple(() =>
        {
            Assert.That((request.Method, request.Path, request.Version), Is.EqualTo(("POST", "/xapi/statements", "1.0.3")));
            Assert.That(request.Authorization, Is.EqualTo("Basic " + Convert.ToBase64String("key:secret"u8.ToArray())));
            Assert.That(JsonNode.Parse(request.Body)!.AsArray().Select(s => s!["id"]!.GetValue<string>()),
                Is.EqualTo(JsonNode.Parse(file)!.AsArray().Select(s => s!["id"]!.GetValue<string>())));
        });
    }

    [Test]
    public async Task Xapi_LrsRefuses_FailsWithTheStatusAndAnswer()
    {
        await using var store = await SeededStore.CreateAsync(DatabaseDialect.Sqlite);
        using var lrs = new LoopbackLrs(HttpStatusCode.Unauthorized);

        var error = Assert.ThrowsAsync<LrsException>(async () => await store.ExportAsync("xapi", settings: new ExportSettings { LrsEndpoint = lrs.Endpoint }));

        Assert.That(error!.Message, Does.Contain("answered 401").And.Contain("bad credentials"));
    }
}

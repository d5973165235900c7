using Grader.GitHub.Outbox;
using Grader.GitHub.Publishing;
using Grader.Rubrics.Model;
using Microsoft.Extensions.Options;

namespace Grader.GitHub.Tests.Outbox;

public sealed class FilePublishOutboxTests
{
    private string _directory = null!;

    [SetUp]
    public void CreateDirectory() => _directory = Directory.CreateTempSubdirectory("grader-outbox-test-").FullName;

    [TearDown]
    public void DeleteDirectory() => Directory.Delete(_directory, recursive: true);

    private FilePublishOutbox Open() => new(Options.Create(new FilePublishOutboxOptions { Directory = _directory }));

    private static OutboxEntry Entry(string id, DateTimeOffset notBefore) => new()
    {
        Id = id,
        Target = new PublishTarget(1, "o", "r", 3, new string('a', 40), "job-" + id),
        CheckRunId = 99,
        Result = new PublishableResult
        {
            Title = "Passed", Summary = "s", Text = "t", Conclusion = PublishConclusion.Success, ReviewEvent = ReviewEvent.Approve, ReviewBody = "ok",
            Annotations = [new PublishAnnotation("a.py", 1, 2, PublishAnnotationLevel.Warning, "m", "title")],
            DetailsUrl = new Uri("https://grader.example/jobs/1"),
        },
        EnqueuedAt = notBefore.AddMinutes(-1),
        NotBefore = notBefore,
    };

    [Test]
    public async Task SaveAsync_ThenReopened_EntrySurvivesWithEveryField()
    {
        var now = DateTimeOffset.UtcNow;
        var saved = Entry("e1", now);
        using (var outbox = Open())
        {
            await outbox.SaveAsync(saved, CancellationToken.None);
        }

        using var reopened = Open();
        var loaded = (await reopened.GetAllAsync(CancellationToken.None)).Single();

        Assert.Multiple(() =>
        {
            Assert.That(loaded.Target, Is.EqualTo(saved.Target));
            Assert.That(loaded.Result.Annotations, Is.EqualTo(saved.Result.Annotations));
            Assert.That(loaded.Result with { Annotations = saved.Result.Annotations }, Is.EqualTo(saved.Result));
            Assert.That(loaded.NotBefore, Is.EqualTo(saved.NotBefore));
            Assert.That(Directory.GetFiles(_directory, "*.tmp"), Is.Empty);
        });
    }

    [Test]
    public async Task GetDueAsync_MixedEntries_ReturnsOnlyDueAndNotFailed()
    {
        var now = DateTimeOffset.UtcNow;
        using var outbox = Open();
        await outbox.SaveAsync(Entry("due", now.AddSeconds(-1)), CancellationToken.None);
        await outbox.SaveAsync(Entry("later", now.AddMinutes(5)), CancellationToken.None);
        await outbox.SaveAsync(Entry("failed", now.AddSeconds(-1)) with { Failed = true }, CancellationToken.None);

        var due = await outbox.GetDueAsync(now, CancellationToken.None);
        await outbox.RemoveAsync("due", CancellationToken.None);

        Assert.Multiple(async () =>
        {
            Assert.That(due.Select(e => e.Id), Is.EqualTo(new[] { "due" }));
            Assert.That((await outbox.GetAllAsync(CancellationToken.None)).Select(e => e.Id), Is.EquivalentTo(new[] { "later", "failed" }));
        });
    }

    [Test]
    public void SaveAsync_IdEscapingTheDirectory_IsRejected()
    {
        using var outbox = Open();

        Assert.That(async () => await outbox.SaveAsync(Entry("../evil", DateTimeOffset.UtcNow), CancellationToken.None), Throws.ArgumentException);
    }
}

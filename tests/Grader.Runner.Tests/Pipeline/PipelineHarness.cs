using Docker.DotNet;
using Docker.DotNet.Models;
using Grader.Rubrics.Loading;
using Grader.Rubrics.Model;
using Grader.Runner.Checkout;
using Grader.Runner.Docker;
using Grader.Runner.Pipeline;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Grader.Runner.Tests.Pipeline;

/// <summary>
/// The real runner (AddGraderRunner against the local Docker engine) with a runner id of its own, so a fixture
/// removes only what it created.
/// </summary>
internal sealed class PipelineHarness : IAsyncDisposable
{
    private readonly ServiceProvider _provider;

    public PipelineHarness(Action<IServiceCollection>? customize = null, IDictionary<string, string?>? settings = null)
    {
        RunnerId = "test-" + Guid.NewGuid().ToString("n")[..12];
        Root = Path.Combine(Path.GetTempPath(), "grader-pipeline-" + RunnerId);
        var values = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["Grader:Runner:RunnerId"] = RunnerId,
            ["Grader:Runner:WorkRoot"] = Path.Combine(Root, "work"),
            ["Grader:Runner:MirrorCache"] = Path.Combine(Root, "mirrors"),
        };
        foreach (var (k, v) in settings ?? new Dictionary<string, string?>()) values[k] = v;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection();
        services.AddGraderRunner(configuration);
        customize?.Invoke(services);
        _provider = services.BuildServiceProvider();
        Docker = DockerClientFactory.Create();
    }

    public string RunnerId { get; }
    public string Root { get; }
    public DockerClient Docker { get; }
    public GradingPipeline Pipeline => _provider.GetRequiredService<GradingPipeline>();
    public T Get<T>() where T : notnull => _provider.GetRequiredService<T>();

    public Task EnsureBusyboxAsync() => BaseImages.EnsureBusyboxAsync(Docker, CancellationToken.None);

    /// <summary>A submission folder with the given files.</summary>
    public string Submission(string name, params (string File, string Content)[] files)
    {
        var folder = Path.Combine(Root, "submissions", name);
        foreach (var (file, content) in files)
        {
            var path = Path.Combine(folder, file);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, content);
        }
        Directory.CreateDirectory(folder);
        return folder;
    }

    public static Rubric Rubric(string criteriaYaml, string? extra = null)
    {
        var yaml = $"""
            module: {"{"} id: TEST-1, title: Pipeline test {"}"}
            competencies:
              containers: {"{"} name: Containers, level: Working {"}"}
            {extra ?? ""}
            criteria:
            {criteriaYaml}
            """;
        var loaded = RubricLoader.LoadText(yaml, "test-rubric.yaml");
        Assert.That(loaded.Diagnostics, Is.Empty, "the test rubric must load");
        return loaded.Rubric!;
    }

    public GradingRequest Request(Rubric rubric, string folder) =>
        new() { Rubric = rubric, Submission = new LocalFolderSubmission(folder) };

    /// <summary>Containers, networks and images labelled with this harness's runner id.</summary>
    public async Task<(int Containers, int Networks, int Images)> LeftoversAsync()
    {
        var filter = new Dictionary<string, IDictionary<string, bool>>(StringComparer.Ordinal)
        {
            ["label"] = new Dictionary<string, bool>(StringComparer.Ordinal) { [$"{DockerLabels.RunnerId}={RunnerId}"] = true },
        };
        var containers = await Docker.Containers.ListContainersAsync(new ContainersListParameters { All = true, Filters = filter });
        var networks = await Docker.Networks.ListNetworksAsync(new NetworksListParameters { Filters = filter });
        var images = await Docker.Images.ListImagesAsync(new ImagesListParameters { Filters = filter });
        return (containers.Count, networks.Count, images.Count(i => !ImageReuse.IsReusable(i.RepoTags)));
    }

    public async ValueTask DisposeAsync()
    {
        // The local engine's janitor, also when a test pointed the runner at an engine that is not there.
        var janitor = new JobJanitor(Docker, Microsoft.Extensions.Logging.Abstractions.NullLogger<JobJanitor>.Instance);
        await janitor.SweepAsync(RunnerId, includeReusableImages: true, CancellationToken.None);
        await _provider.DisposeAsync();
        Docker.Dispose();
        if (Directory.Exists(Root)) Directory.Delete(Root, recursive: true);
    }
}

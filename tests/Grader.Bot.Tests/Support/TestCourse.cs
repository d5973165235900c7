namespace Grader.Bot.Tests.Support;

/// <summary>
/// The course every bot test grades: a bot config file mapping the test's owner to the <c>hello</c> rubric (build,
/// the learner's tests, hidden tests in the grader's image reading the submission, Dockerfile HEALTHCHECK) and offering <c>hello-gpu</c> (the same plus GPU telemetry),
/// with the files on disk as an instructor would keep them on the grader's machine.
/// </summary>
internal static class TestCourse
{
    public const string HelloRubric = """
        module: { id: MOD-BOT, title: Bot lab }
        competencies:
          infrastructure-automation: { name: Infrastructure automation, level: Working }
        criteria:
          - id: builds
            title: The image builds
            points: 30
            check: { build: { max_time: 5m } }
          - id: tests
            title: Tests pass
            points: 40
            check: { tests: { command: ["sh", "/app/test.sh"], report: exit_code, timeout: 5m } }
            evidence:
              - infrastructure-automation: Working
          - id: hidden
            title: Hidden tests pass
            points: 10
            check:
              tests:
                command: ["sh", "/grader/hidden/check.sh"]
                report: exit_code
                timeout: 5m
                hidden: { path: hidden, image: "grader/busybox:1", submission: true }
          - id: healthcheck
            title: The Dockerfile declares a HEALTHCHECK
            points: 20
            check: { dockerfile: { pinned_base: true, non_root: false, healthcheck: true, no_secrets: true } }
        """;

    public const string GpuRubric = """
        module: { id: MOD-BOT-GPU, title: Bot lab on a GPU }
        competencies:
          gpu-operations: { name: GPU operations, level: Working }
        criteria:
          - id: builds
            title: The image builds
            points: 40
            check: { build: { max_time: 5m } }
          - id: tests
            title: Tests pass
            points: 40
            check: { tests: { command: ["sh", "/app/test.sh"], report: exit_code, timeout: 5m } }
          - id: gpu-memory
            title: Inference stays within 8 GB of GPU memory
            points: 20
            check: { gpu: { during: tests, max_memory: 8GB } }
            evidence:
              - gpu-operations: Working
        """;

    /// <summary>
    /// How the test course lets repositories refine grading: <c>.grader.yml</c> is read and may choose
    /// <c>hello-gpu</c>, but may not switch grading off.
    /// </summary>
    public const string DefaultRuleSettings = "allow_repository_override: true\n    allowed_rubrics: [hello-gpu]";

    /// <summary>Writes the course under <paramref name="root"/>; returns the bot config file's path.</summary>
    /// <param name="ruleSettings">YAML lines added to the repository rule (indented by four spaces after the first).</param>
    /// <param name="helloSettings">YAML lines added to the <c>hello</c> rubric's entry (indented by four spaces after the first).</param>
    public static string Write(string root, string owner, string ruleSettings = DefaultRuleSettings, string helloSettings = "")
    {
        var courses = Path.Combine(root, "course");
        Directory.CreateDirectory(Path.Combine(courses, "hello", "hidden"));
        Directory.CreateDirectory(Path.Combine(courses, "hello-gpu"));
        File.WriteAllText(Path.Combine(courses, "hello", "rubric.yaml"), HelloRubric);
        File.WriteAllText(Path.Combine(courses, "hello", "hidden", "check.sh"), "test -f /grader/submission/test.sh && echo hidden check passed\n");
        File.WriteAllText(Path.Combine(courses, "hello-gpu", "rubric.yaml"), GpuRubric);
        var config = Path.Combine(courses, "grader.yaml");
        File.WriteAllText(config, $"""
            rubrics:
              hello:
                rubric: hello/rubric.yaml
                hidden_tests: hello/hidden
                {helloSettings}
              hello-gpu:
                rubric: hello-gpu/rubric.yaml
            repositories:
              - pattern: {owner}/*
                rubric: hello
                {ruleSettings}
            """);
        return config;
    }
}

/// <summary>Learner submissions: a busybox image whose tests run a given script.</summary>
internal static class Scripts
{
    public const string Passing = "echo 'test_health ... ok'";
    public const string Failing = "echo 'test_predict: expected 200, got 500' >&2; exit 1";

    /// <summary>Tests that never finish on their own: the job is running until something stops it.</summary>
    public const string Blocking = "sleep 600";

    public static IReadOnlyDictionary<string, string> Submission(string testScript, string? dockerfile = null) => new Dictionary<string, string>
    {
        ["Dockerfile"] = dockerfile ?? "FROM grader/busybox:1\nCOPY test.sh /app/test.sh\nCMD [\"sh\"]\n",
        ["test.sh"] = testScript + "\n",
    };
}

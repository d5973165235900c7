using System.Globalization;
using Grader.Rubrics.Model;
using Grader.Rubrics.Results;
using Grader.Runner.Checks;
using Grader.Runner.Documents;

namespace Grader.Runner.Quiz;

/// <summary>
/// <c>quiz</c>: grades the learner's answers against an answer key that lives on the runner beside the
/// rubric, never in the submission. Feedback names the questions missed, never the right answers.
/// Measure: score 0..1.
/// </summary>
public sealed class QuizCheckExecutor() : CheckExecutor<QuizCheck>(CheckKind.Quiz)
{
    protected override async Task<CheckResult> ExecuteAsync(Criterion criterion, QuizCheck spec, GradingContext context, CancellationToken cancellationToken)
    {

        IReadOnlyDictionary<string, ExpectedAnswer> key;
        var keyPath = Path.GetFullPath(Path.Combine(context.RubricDirectory, spec.Key));
        try
        {
            key = AnswerSheet.ReadKey(await File.ReadAllTextAsync(keyPath, cancellationToken).ConfigureAwait(false));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            // The key is the instructor's: a missing or broken key is the grader's problem, not the learner's.
            return CheckResult.GraderError(criterion.Id, $"The quiz answer key '{spec.Key}' cannot be read: {e.Message}");
        }
        if (key.Count == 0) return CheckResult.GraderError(criterion.Id, $"The quiz answer key '{spec.Key}' has no questions.");

        IReadOnlyDictionary<string, IReadOnlyList<string>> answers;
        if (!SubmissionFiles.TryReadText(context.SubmissionDirectory, spec.Answers, out var text, out var error, AnswerSheet.MaxBytes))
        {
            return Failed(criterion.Id, spec, key.Count, $"No quiz answers: {error}");
        }
        try
        {
            answers = AnswerSheet.ReadAnswers(text);
        }
        catch (LearnerFileException e)
        {
            // The learner's file: a located, not-met result whatever it holds (a deeply nested file included).
            return Failed(criterion.Id, spec, key.Count, $"{e.In(spec.Answers)} (not a valid answers file)");
        }

        var missed = new List<string>();
        var correct = 0;
        foreach (var (question, expected) in key)
        {
            if (answers.TryGetValue(question, out var given) && AnswerSheet.IsCorrect(expected, given)) correct++;
            else missed.Add(answers.ContainsKey(question) ? question : question + " (unanswered)");
        }
        var score = (double)correct / key.Count;
        var passed = score >= spec.PassMark - 1e-9;
        return new CheckResult
        {
            CriterionId = criterion.Id,
            Status = passed ? CheckStatus.Passed : CheckStatus.Failed,
            Measure = score,
            Values = Values(score, correct, key.Count, spec.PassMark),
            Message = string.Create(CultureInfo.InvariantCulture, $"{correct} of {key.Count} correct ({Percent(score)}); the pass mark is {Percent(spec.PassMark)}."),
            Details = missed.Count == 0 ? [] : [$"Questions to revisit: {string.Join(", ", missed)}"],
        };
    }

    private static CheckResult Failed(string criterionId, QuizCheck spec, int total, string message) => new()
    {
        CriterionId = criterionId,
        Status = CheckStatus.Failed,
        Measure = 0,
        Values = Values(0, 0, total, spec.PassMark),
        Message = message,
    };

    private static Dictionary<string, string> Values(double score, int correct, int total, double passMark) => new()
    {
        ["score"] = Percent(score),
        ["correct"] = correct.ToString(CultureInfo.InvariantCulture),
        ["total"] = total.ToString(CultureInfo.InvariantCulture),
        ["pass_mark"] = Percent(passMark),
    };

    private static string Percent(double fraction) => string.Create(CultureInfo.InvariantCulture, $"{fraction * 100:0.#}%");
}

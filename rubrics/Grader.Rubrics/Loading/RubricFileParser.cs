using System.Text.RegularExpressions;
using Grader.Rubrics.Loading.Yaml;
using Grader.Rubrics.Model;

namespace Grader.Rubrics.Loading;

/// <summary>Reads one rubric file's text into a <see cref="RubricLayer"/>, reporting every problem it can see on its own.</summary>
internal static partial class RubricFileParser
{
    [GeneratedRegex(@"^[a-z0-9][a-z0-9\-_.]*$")]
    internal static partial Regex IdPattern();

    internal static readonly IReadOnlyDictionary<string, ProficiencyLevel> Levels = new Dictionary<string, ProficiencyLevel>
    {
        ["Working"] = ProficiencyLevel.Working, ["Proficient"] = ProficiencyLevel.Proficient, ["Expert"] = ProficiencyLevel.Expert,
    };

    internal static readonly IReadOnlyDictionary<string, ReviewEvent> Events = new Dictionary<string, ReviewEvent>
    {
        ["approve"] = ReviewEvent.Approve, ["comment"] = ReviewEvent.Comment, ["request_changes"] = ReviewEvent.RequestChanges,
    };

    internal static readonly string[] RestartPolicies = ["no", "on-failure", "always", "unless-stopped"];

    public static RubricLayer Parse(FileScope file, string text)
    {
        var read = YamlTreeReader.Read(text);
        foreach (var problem in read.Problems) file.Error(file.At(problem.Line, problem.Column), problem.Message);
        if (read.Root is null)
        {
            if (read.Problems.Count == 0) file.Error(file.At(1, 1), "the file is empty; a rubric is a map with 'module', 'competencies' and 'criteria'");
            return new RubricLayer { DisplayPath = file.DisplayPath, FullPath = file.FullPath, Parsed = false };
        }
        var layer = new RubricLayer { DisplayPath = file.DisplayPath, FullPath = file.FullPath, Parsed = true };
        var top = MapReader.Of(file, read.Root, "the rubric", RubricKeys.TopLevel);
        if (top is null) return layer;
        layer.TopLocation = file.At(top.Map);

        foreach (var entry in top.Map.Entries.Where(e => RubricKeys.Settings.Contains(e.Key.Value)))
            layer.SettingKeys.Add((entry.Key.Value, file.At(entry.Key)));

        if (top.Section("module", "'module'", RubricKeys.Module) is { } module)
        {
            layer.HasModule = true;
            var id = module.String("id", required: true);
            var title = module.String("title", required: true);
            var role = module.String("role");
            var description = module.String("description", allowEmpty: true);
            if (id is not null && title is not null) layer.Module = new ModuleInfo(id, title, role, description);
        }
        else layer.HasModule = top.Has("module");

        if (top.Node("competencies") is { } competencies)
        {
            layer.HasCompetenciesKey = true;
            ParseCompetencies(file, competencies, layer);
        }
        layer.PassMark = top.Ratio("pass_mark");
        if (top.Node("total_points") is { } totalNode && Values.Number(file, totalNode, "total_points", 0, exclusiveMin: true) is { } total)
            layer.TotalPoints = (total, file.At(totalNode));
        if (top.Section("review", "'review'", RubricKeys.Review) is { } review) ParseReview(review, layer);
        if (top.Section("service", "'service'", RubricKeys.Service) is { } service) ParseService(service, layer);
        if (top.Section("limits", "'limits'", RubricKeys.Limits) is { } limits) ParseLimits(limits, layer);
        layer.HasDeadline = top.Has("deadline");
        if (top.Section("deadline", "'deadline'", RubricKeys.Deadline) is { } deadline) layer.Deadline = DeadlineParser.Parse(deadline);
        layer.HasLeaderboard = top.Has("leaderboard");
        if (top.Section("leaderboard", "'leaderboard'", RubricKeys.Leaderboard) is { } board) layer.Leaderboard = ParseLeaderboard(file, board);
        if (top.Node("extends") is { } extendsNode && Values.String(file, extendsNode, "extends") is { } basePath)
            layer.Extends = new FileReference(basePath, file.At(extendsNode), "extends");
        if (top.Node("include") is { } includeNode) ParseIncludes(file, includeNode, layer);
        if (top.Node("criteria") is { } criteria)
        {
            layer.HasCriteriaKey = true;
            ParseCriteria(file, criteria, layer);
        }
        return layer;
    }

    private static readonly IReadOnlyDictionary<string, LeaderboardOrder> LeaderboardOrders = new Dictionary<string, LeaderboardOrder>(StringComparer.Ordinal)
    {
        ["lower_is_better"] = LeaderboardOrder.LowerIsBetter,
        ["higher_is_better"] = LeaderboardOrder.HigherIsBetter,
    };

    private static readonly IReadOnlyDictionary<string, LeaderboardShow> LeaderboardShows = new Dictionary<string, LeaderboardShow>(StringComparer.Ordinal)
    {
        ["alias"] = LeaderboardShow.Alias,
        ["login"] = LeaderboardShow.Login,
    };

    private static LeaderboardDecl? ParseLeaderboard(FileScope file, MapReader board)
    {
        var criterion = board.String("criterion", required: true);
        var order = board.Choice("order", LeaderboardOrders);
        var show = board.Choice("show", LeaderboardShows) ?? LeaderboardShow.Alias;
        if (criterion is null) return null;
        return new LeaderboardDecl(criterion, file.At(board.Node("criterion")!), order, show, file.At(board.Map));
    }

    private static void ParseIncludes(FileScope file, YNode node, RubricLayer layer)
    {
        // A single path is accepted too: `include: ../shared/x.yaml`.
        if (node is YScalar { Kind: ScalarKind.String })
        {
            if (Values.String(file, node, "include") is { } single) layer.Includes.Add(new FileReference(single, file.At(node), "include"));
            return;
        }
        if (node is not YSequence seq)
        {
            file.Error(node, $"expected a list of file paths for 'include', found {node.Describe()}");
            return;
        }
        foreach (var item in seq.Items)
        {
            if (Values.String(file, item, "include") is { } path) layer.Includes.Add(new FileReference(path, file.At(item), "include"));
        }
    }

    private static void ParseCompetencies(FileScope file, YNode node, RubricLayer layer)
    {
        if (node is not YMapping map)
        {
            file.Error(node, $"expected a map of competency ids to {{ name, level }} for 'competencies', found {node.Describe()}");
            return;
        }
        foreach (var entry in map.Entries)
        {
            var id = entry.Key.Value;
            var idOk = CheckId(file, entry.Key, id, "competency");
            var c = MapReader.Of(file, entry.Value, $"competency '{id}'", RubricKeys.Competency);
            if (c is null) continue;
            var name = c.String("name", required: true);
            var level = c.Choice("level", Levels, required: true);
            var description = c.String("description", allowEmpty: true);
            if (idOk && name is not null && level is not null)
                layer.Competencies.Add(new CompetencyDecl(new Competency(id, name, level.Value, description), file.At(entry.Key)));
        }
    }

    private static bool CheckId(FileScope file, YNode node, string id, string what)
    {
        if (IdPattern().IsMatch(id)) return true;
        file.Error(node, $"{what} id '{id}' must be lower-case letters, digits, '-', '_' or '.', starting with a letter or digit");
        return false;
    }

    private static void ParseReview(MapReader r, RubricLayer layer)
    {
        if (r.Choice("on_pass", Events) is { } pass) layer.Review.Add(new(p => p with { OnPass = pass }));
        if (r.Choice("on_fail", Events) is { } fail) layer.Review.Add(new(p => p with { OnFail = fail }));
        if (r.Choice("on_gate_failure", Events) is { } gate) layer.Review.Add(new(p => p with { OnGateFailure = gate }));
        if (r.Choice("on_incomplete", Events) is { } incomplete) layer.Review.Add(new(p => p with { OnIncomplete = incomplete }));
    }

    private static void ParseService(MapReader r, RubricLayer layer)
    {
        layer.HasService = true;
        var s = layer.Service;
        if (r.Integer("port", min: 1, max: 65535) is { } port) s.Add(new(x => x with { Port = port }));
        if (r.Command("command") is { } command) s.Add(new(x => x with { Command = command }));
        if (r.ScalarMap("env") is { } env) s.Add(new(x => x with { Environment = env }));
        if (r.Node("readiness_path") is { } readinessNode)
        {
            if (readinessNode is YScalar { Kind: ScalarKind.Null }) s.Add(new(x => x with { ReadinessPath = null }));
            else if (Values.String(r.File, readinessNode, "readiness_path") is { } path)
            {
                if (path.StartsWith('/')) s.Add(new(x => x with { ReadinessPath = path }));
                else r.File.Error(readinessNode, $"'readiness_path' must be a URL path starting with '/' (or null); found '{path}'");
            }
        }
        if (r.Duration("readiness_timeout") is { } timeout) s.Add(new(x => x with { ReadinessTimeout = timeout }));
        if (r.Node("restart") is { } restartNode && Values.Choice(r.File, restartNode, "restart", RestartPolicies.Select((p, i) => (p, i)).ToDictionary(t => t.p, t => t.i)) is { } restart)
            s.Add(new(x => x with { RestartPolicy = RestartPolicies[restart] }));
        if (r.Bool("gpu") is { } gpu) s.Add(new(x => x with { Gpu = gpu }));
    }

    private static void ParseLimits(MapReader r, RubricLayer layer)
    {
        var l = layer.Limits;
        if (r.Size("memory") is { } memory) l.Add(new(x => x with { Memory = memory }));
        if (r.Number("cpus", min: 0, exclusiveMin: true) is { } cpus) l.Add(new(x => x with { Cpus = cpus }));
        if (r.Integer("pids", min: 1) is { } pids) l.Add(new(x => x with { Pids = pids }));
        if (r.Size("tmp") is { } tmp) l.Add(new(x => x with { TmpSize = tmp }));
        if (r.Size("output") is { } output) l.Add(new(x => x with { MaxOutput = output }));
        if (r.Duration("timeout") is { } timeout) l.Add(new(x => x with { Timeout = timeout }));
    }

    private static void ParseCriteria(FileScope file, YNode node, RubricLayer layer)
    {
        if (node is not YSequence seq)
        {
            file.Error(node, $"expected a list of criteria for 'criteria', found {node.Describe()}");
            return;
        }
        foreach (var item in seq.Items)
        {
            if (MapReader.Of(file, item, "a criterion", RubricKeys.Criterion) is { } reader && ParseCriterion(reader) is { } criterion)
                layer.Criteria.Add(criterion);
        }
    }

    private static CriterionDecl? ParseCriterion(MapReader r)
    {
        var file = r.File;
        var errorsBefore = file.ErrorCount;
        var id = r.String("id", required: true);
        if (id is not null && !CheckId(file, r.Node("id")!, id, "criterion")) id = null;
        var title = r.String("title", required: true);
        var points = r.Number("points", min: 0);
        var weight = r.Number("weight", min: 0, exclusiveMin: true);
        SourceLocation? amountLocation = null;
        if (r.Has("points") && r.Has("weight"))
            file.Error(r.KeyNode("weight")!, "a criterion has 'points' or 'weight', not both");
        else if (!r.Has("points") && !r.Has("weight"))
            file.Error(r.Map, "a criterion is missing 'points' (or 'weight')");
        else amountLocation = file.At(r.KeyNode(r.Has("points") ? "points" : "weight")!);
        var gate = r.Bool("gate") ?? false;

        CheckSpec? check = null;
        string? kind = null;
        if (r.Required("check") is { } checkNode) (check, kind) = CheckParser.Parse(file, checkNode);
        var credit = r.Node("credit") is { } creditNode ? CreditParser.Parse(file, creditNode, kind) : null;

        var feedback = new FeedbackTemplates();
        if (r.Section("feedback", "'feedback'", RubricKeys.Feedback) is { } f)
        {
            feedback = new FeedbackTemplates
            {
                Met = f.String("met", allowEmpty: true),
                Partial = f.String("partial", allowEmpty: true),
                NotMet = f.String("not_met", allowEmpty: true),
                Hint = f.String("hint", allowEmpty: true),
            };
        }
        var evidence = r.Node("evidence") is { } evidenceNode ? ParseEvidence(file, evidenceNode) : [];
        var visibility = r.Choice("visibility", DeadlineParser.Visibilities) ?? CriterionVisibility.Visible;

        if (id is null) return null;
        var location = file.At(r.Map);
        Criterion? criterion = null;
        if (file.ErrorCount == errorsBefore && title is not null && check is not null)
        {
            criterion = new Criterion
            {
                Id = id,
                Title = title,
                Points = points ?? 0,
                Gate = gate,
                Check = check,
                Credit = credit,
                Feedback = feedback,
                Evidence = evidence.Select(e => e.Evidence).ToList(),
                Visibility = visibility,
                Location = location,
            };
        }
        var serviceChecks = check is { NeedsService: true } ? new List<(CheckSpec, SourceLocation)> { (check, check.Location!) } : [];
        var afterDue = visibility == CriterionVisibility.AfterDueDate ? file.At(r.Node("visibility")!) : null;
        return new CriterionDecl(id, location, criterion, points, weight, amountLocation, evidence, serviceChecks, afterDue);
    }

    private static List<EvidenceDecl> ParseEvidence(FileScope file, YNode node)
    {
        var result = new List<EvidenceDecl>();
        if (node is not YSequence seq)
        {
            file.Error(node, $"expected a list of 'competency-id: Level' entries for 'evidence', found {node.Describe()}");
            return result;
        }
        foreach (var item in seq.Items)
        {
            if (item is not YMapping { Entries.Count: 1 } map)
            {
                file.Error(item, $"an evidence entry is one 'competency-id: Level' pair, found {(item is YMapping m ? $"a map with {m.Entries.Count} entries" : item.Describe())}");
                continue;
            }
            var entry = map.Entries[0];
            if (Values.Choice(file, entry.Value, entry.Key.Value, Levels, $"the evidence level for '{entry.Key.Value}'") is { } level)
                result.Add(new EvidenceDecl(new EvidenceSpec(entry.Key.Value, level), file.At(entry.Key)));
        }
        return result;
    }
}

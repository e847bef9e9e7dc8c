using Dapper;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Platform.RuleEngine.Flags;
using Platform.Rules;
using Platform.Rules.Calendar;
using Platform.Rules.Catalogue;
using Platform.ServiceDefaults.Auth;
using Platform.ServiceDefaults.Data;
using Platform.ServiceDefaults.OpenApi;
using Platform.ServiceDefaults.Problems;
using Platform.ServiceDefaults.RateLimiting;
using Platform.ServiceDefaults.Validation;

namespace Platform.RuleEngine.Simulations;

/// <summary>
/// A candidate parameter set run over the stored past weeks, against the parameters in force: which flags it would
/// add and which it would remove, by week and rule. Reads only; publishes nothing, changes nothing.
/// </summary>
public static class SimulationEndpoints
{
    /// <summary>Recipients whose history is held in memory at once.</summary>
    public const int RecipientsPerBatch = 500;

    public static IEndpointRouteBuilder MapSimulationEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/api/rules/simulations", Simulate)
            .WithTags("Rules")
            .ValidateRequest<SimulationRequest>()
            .RequireAuthorization(Policies.Supervisor)
            .RequireRateLimiting(RateLimits.Costly)
            .WithName("SimulateRules")
            .WithSummary("Compare candidate rule parameters with those in force over past weeks")
            .WithDescription("""
                A supervisor tries candidate parameters (per rule id, per parameter name, within each parameter's bounds)
                over the stored weeks from `fromWeek` to `toWeek` whose deadline has passed: for each week and rule, which
                recipients would be flagged in addition and which would no longer be. Reads only: changes nothing and
                publishes nothing.
                """)
            .WithRequestExample("""{"fromWeek":"2026-W36","toWeek":"2026-W47","parameters":{"repeated-shortfall":{"toleranceHours":1}}}""");
        return endpoints;
    }

    private static async Task<Results<Ok<SimulationResult>, ProblemHttpResult>> Simulate(
        SimulationRequest request,
        ServiceDatabase database,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        var from = IsoWeek.Parse(request.FromWeek!);
        var to = IsoWeek.Parse(request.ToWeek!);
        var now = time.GetUtcNow();
        var candidates = request.Parameters ?? [];

        var changes = new SortedDictionary<(string Week, string RuleId), (List<string> Added, List<string> Removed)>();
        await using var connection = await database.OpenReadAsync(cancellationToken);
        // Recipients are read and simulated a batch at a time, in id order: memory stays bounded by one batch's
        // history, however many recipients the platform holds.
        var after = "";
        while (true)
        {
            var batch = (await connection.QueryAsync<string>(new CommandDefinition(
                """
                SELECT recipient_id FROM (
                    SELECT recipient_id FROM engagements WHERE from_week <= @to AND recipient_id COLLATE "C" > @after
                    UNION
                    SELECT recipient_id FROM declarations WHERE week >= @from AND week <= @to AND recipient_id COLLATE "C" > @after
                ) AS recipients
                ORDER BY recipient_id COLLATE "C"
                LIMIT @RecipientsPerBatch
                """,
                new { after, from = from.AddWeeks(-RepeatedShortfall.WeeksLookedBack).ToString(), to = to.ToString(), RecipientsPerBatch },
                cancellationToken: cancellationToken))).ToArray();
            if (batch.Length == 0)
            {
                break;
            }

            after = batch[^1];
            await SimulateBatchAsync(connection, batch, from, to, now, candidates, changes, cancellationToken);
        }

        var byWeek = changes
            .Select(change => new SimulationChange(
                change.Key.Week, change.Key.RuleId, change.Value.Added.Count, change.Value.Removed.Count, change.Value.Added, change.Value.Removed))
            .ToList();
        var totals = FlagBook.RuleIds
            .Select(ruleId => new SimulationTotal(
                ruleId,
                byWeek.Where(change => change.RuleId == ruleId).Sum(change => change.Added),
                byWeek.Where(change => change.RuleId == ruleId).Sum(change => change.Removed)))
            .ToList();
        return TypedResults.Ok(new SimulationResult(from.ToString(), to.ToString(), candidates, totals, byWeek));
    }

    private static async Task SimulateBatchAsync(
        NpgsqlConnection connection,
        string[] recipients,
        IsoWeek from,
        IsoWeek to,
        DateTimeOffset now,
        Dictionary<string, Dictionary<string, decimal>> candidates,
        SortedDictionary<(string Week, string RuleId), (List<string> Added, List<string> Removed)> changes,
        CancellationToken cancellationToken)
    {
        var engagements = (await connection.QueryAsync<(string RecipientId, string FromWeek, decimal HoursPerWeek)>(new CommandDefinition(
                "SELECT recipient_id, from_week, hours_per_week FROM engagements WHERE from_week <= @to AND recipient_id = ANY(@recipients)",
                new { to = to.ToString(), recipients }, cancellationToken: cancellationToken)))
            .ToLookup(row => row.RecipientId, row => new EngagementRow(row.FromWeek, row.HoursPerWeek));
        var declarations = (await connection.QueryAsync<(string RecipientId, string Week, int Version, string Activities)>(new CommandDefinition(
                "SELECT recipient_id, week, version, activities::text FROM declarations WHERE week >= @from AND week <= @to AND recipient_id = ANY(@recipients)",
                new { from = from.AddWeeks(-RepeatedShortfall.WeeksLookedBack).ToString(), to = to.ToString(), recipients },
                cancellationToken: cancellationToken)))
            .ToLookup(row => row.RecipientId, row => new DeclarationRow(row.Week, row.Version, row.Activities));
        var absences = (await connection.QueryAsync<(string RecipientId, Guid AbsenceId, string FromWeek, string ToWeek)>(new CommandDefinition(
                "SELECT recipient_id, absence_id, from_week, to_week FROM accepted_absences WHERE to_week >= @from AND from_week <= @to AND recipient_id = ANY(@recipients)",
                new { from = from.AddWeeks(-RepeatedShortfall.WeeksLookedBack).ToString(), to = to.ToString(), recipients },
                cancellationToken: cancellationToken)))
            .ToLookup(row => row.RecipientId, row => new AcceptedAbsence(row.AbsenceId, row.FromWeek, row.ToWeek));

        foreach (var recipientId in recipients)
        {
            var history = new RecipientHistory(
                engagements[recipientId].ToList(), declarations[recipientId].ToDictionary(row => row.Week, StringComparer.Ordinal),
                absences[recipientId].ToList());
            for (var week = from; week <= to && WeekCalendar.DeadlineOf(week) <= now; week = week.Next)
            {
                foreach (var ruleId in FlagBook.RuleIds)
                {
                    if (RuleCatalogue.InForce(ruleId, week) is not { } rule)
                    {
                        continue;
                    }

                    var input = ruleId == RepeatedShortfall.Id ? history.InputWithPreviousWeeksFor(week) : history.InputFor(week);
                    var inForce = rule.Raises(input, rule.Definition.DefaultParameters());
                    var candidate = rule.Raises(input, rule.Definition.WithParameters(candidates.GetValueOrDefault(ruleId)));
                    if (inForce == candidate)
                    {
                        continue;
                    }

                    var key = (week.ToString(), ruleId);
                    if (!changes.TryGetValue(key, out var lists))
                    {
                        changes[key] = lists = ([], []);
                    }

                    (candidate ? lists.Added : lists.Removed).Add(recipientId);
                }
            }
        }
    }
}

/// <param name="FromWeek">First week simulated, e.g. <c>2026-W01</c>.</param>
/// <param name="ToWeek">Last week simulated (at most 104 weeks in all); only weeks whose deadline has passed count.</param>
/// <param name="Parameters">Candidate parameters by rule id, then by name; the others keep the value in force.</param>
public sealed record SimulationRequest(string? FromWeek, string? ToWeek, Dictionary<string, Dictionary<string, decimal>>? Parameters);

public sealed record SimulationResult(
    string FromWeek,
    string ToWeek,
    IReadOnlyDictionary<string, Dictionary<string, decimal>> Parameters,
    IReadOnlyList<SimulationTotal> Totals,
    IReadOnlyList<SimulationChange> Changes);

public sealed record SimulationTotal(string RuleId, int Added, int Removed);

/// <summary>For one week and rule: the recipients the candidate parameters would flag in addition, or no longer.</summary>
public sealed record SimulationChange(string Week, string RuleId, int Added, int Removed, IReadOnlyList<string> AddedFor, IReadOnlyList<string> RemovedFor);

internal sealed class SimulationRequestValidator : AbstractValidator<SimulationRequest>
{
    public const int MaximumWeeks = 104;
    public const int EarliestYear = 2000;

    public SimulationRequestValidator()
    {
        RuleFor(request => request.FromWeek)
            .Must(week => IsoWeek.TryParse(week, out _))
            .WithMessage(_ => Localized.Text(
                "La semaine de début est obligatoire et s'écrit AAAA-Www, par exemple 2026-W01.",
                "The first week is required and is written YYYY-Www, e.g. 2026-W01."));
        RuleFor(request => request.ToWeek)
            .Must(week => IsoWeek.TryParse(week, out _))
            .WithMessage(_ => Localized.Text(
                "La semaine de fin est obligatoire et s'écrit AAAA-Www, par exemple 2026-W48.",
                "The last week is required and is written YYYY-Www, e.g. 2026-W48."));
        // The rules look weeks back from the first week simulated: a first week in the first years of the calendar
        // would reach before its start. No declaration is that old (the RSA dates from 2009).
        RuleFor(request => request.FromWeek)
            .Must(week => IsoWeek.Parse(week!).Year >= EarliestYear)
            .When(request => IsoWeek.TryParse(request.FromWeek, out _))
            .WithMessage(_ => Localized.Text(
                $"La semaine de début est en {EarliestYear} ou après.", $"The first week is in {EarliestYear} or later."));
        RuleFor(request => request)
            .Must(request => Weeks(request) is >= 1 and <= MaximumWeeks)
            .When(request => IsoWeek.TryParse(request.FromWeek, out _) && IsoWeek.TryParse(request.ToWeek, out _))
            .OverridePropertyName(nameof(SimulationRequest.ToWeek))
            .WithMessage(request => Localized.Text(
                $"La période simulée doit aller d'une semaine à une semaine égale ou postérieure, {MaximumWeeks} semaines au plus (demandé : {Weeks(request)}).",
                $"The simulated range must run forward from one week to the same or a later one, {MaximumWeeks} weeks at most (asked: {Weeks(request)})."));
        RuleFor(request => request.Parameters)
            .Custom((parameters, context) =>
            {
                foreach (var (ruleId, values) in parameters ?? [])
                {
                    var versions = RuleCatalogue.All.Where(rule => rule.Definition.Id == ruleId).ToList();
                    if (versions.Count == 0)
                    {
                        context.AddFailure($"parameters.{ruleId}", Localized.Text(
                            $"Le catalogue ne contient pas de règle « {ruleId} ».", $"The catalogue holds no rule '{ruleId}'."));
                        continue;
                    }

                    foreach (var problem in versions.SelectMany(rule => rule.Definition.Validate(values ?? [])).Distinct())
                    {
                        context.AddFailure($"parameters.{ruleId}", Localized.Text(problem.Fr, problem.En));
                    }
                }
            });
    }

    private static int Weeks(SimulationRequest request) =>
        IsoWeek.Parse(request.FromWeek!).WeeksUntil(IsoWeek.Parse(request.ToWeek!)) + 1;
}

using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using Dapper;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Platform.Contracts.Review;
using Platform.Review.Cases;
using Platform.ServiceDefaults.Auth;
using Platform.ServiceDefaults.Data;
using Platform.ServiceDefaults.Idempotency;
using Platform.ServiceDefaults.OpenApi;
using Platform.ServiceDefaults.Problems;

namespace Platform.Review.Recipients;

/// <summary>What the recipient sees about themself: every flag, why it was raised, and their right to answer.</summary>
public static class RecipientFlagEndpoints
{
    public static IEndpointRouteBuilder MapRecipientFlagEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/recipients/{recipientId}/flags").WithTags("Recipient flags");
        group.MapGet("", List).RequireAuthorization(policy => policy.RequireRole(Roles.Recipient))
            .WithName("ListRecipientFlags")
            .WithSummary("A recipient's flags, in plain words")
            .WithDescription("""
                Every flag raised on the recipient's declarations: the week, the rule, its explanation in French and English,
                its state, any sanction proposed and the observations the recipient sent. Only the recipient themself
                (`sub` = recipientId). Changes nothing.
                """);
        group.MapGet("/{flagId:guid}/explanation", Explain).RequireAuthorization(policy => policy.RequireRole(Roles.Recipient))
            .WithName("ExplainRecipientFlag")
            .WithSummary("The explanation the law requires for a flag (CRPA R311-3-1-2)")
            .WithDescription("""
                The four items CRPA R311-3-1-2 gives the recipient of an algorithmic treatment: the degree and mode of its
                contribution to the decision, the data and their sources, the parameters as applied to them, and the
                operations performed. Only the recipient themself. Changes nothing.
                """)
            .ProducesNotFound("This flag does not exist, or is not this recipient's.");
        group.MapPost("/{flagId:guid}/observations", Observe)
            .RequireAuthorization(policy => policy.RequireRole(Roles.Recipient))
            .WithIdempotencyKey()
            .WithName("SendObservation")
            .WithSummary("Answer a flag in one's own words")
            .WithDescription("""
                The recipient sends their observations on a flag (CRPA L122-1: the right to be heard before a sanction);
                the counsellor and the second person see them before deciding. Only the recipient themself. Publishes
                `ObservationReceived`.
                """)
            .WithRequestExample("""{"text":"J'étais malade deux de ces semaines."}""")
            .ProducesNotFound("This flag does not exist, or is not this recipient's.");
        return endpoints;
    }

    private static async Task<Results<Ok<RecipientFlags>, ProblemHttpResult>> List(
        string recipientId, ClaimsPrincipal user, ServiceDatabase database, CancellationToken cancellationToken)
    {
        if (!user.IsRecipient(recipientId))
        {
            return Problems.Forbidden();
        }

        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        var rows = (await connection.QueryAsync<CaseRow>(
            $"{CaseRow.Select} WHERE recipient_id = @recipientId ORDER BY opened_at, case_id", new { recipientId })).ToList();
        var views = await CaseStore.ViewsAsync(connection, rows);
        var observations = (await connection.QueryAsync<ObservationView>(
                "SELECT observation_id, flag_id, text, received_at FROM observations WHERE recipient_id = @recipientId ORDER BY received_at",
                new { recipientId }))
            .ToLookup(observation => observation.FlagId);
        return TypedResults.Ok(new RecipientFlags(
            recipientId,
            views.Select(view => new RecipientFlag(
                view.Flag.FlagId, view.Flag.RecipientId, view.Flag.Week, view.Flag.RuleId, view.Flag.RuleVersion, view.Flag.State,
                view.Flag.Facts, view.Flag.Parameters, view.Flag.Explanation, view.Flag.SanctionEligible,
                view.Proposals.Select(RecipientProposal.Of).ToList(), observations[view.Flag.FlagId].ToList())).ToList()));
    }

    /// <summary>
    /// CRPA R311-3-1-2: the degree and mode of contribution of the automated processing, the data processed and
    /// their sources, the parameters as applied to this person, and the operations performed — in French, with English.
    /// </summary>
    private static async Task<Results<Ok<CrpaExplanation>, ProblemHttpResult>> Explain(
        string recipientId, Guid flagId, ClaimsPrincipal user, ServiceDatabase database, CancellationToken cancellationToken)
    {
        if (!user.IsRecipient(recipientId))
        {
            return Problems.Forbidden();
        }

        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        var row = await CaseStore.FindByFlagAsync(connection, flagId);
        if (row is null || row.RecipientId != recipientId)
        {
            return ReviewProblems.FlagNotFound();
        }

        return TypedResults.Ok(CrpaExplanation.For(row.ToFlag()));
    }

    private static async Task<Results<Created<ObservationView>, ProblemHttpResult>> Observe(
        string recipientId,
        Guid flagId,
        ObservationRequest request,
        ClaimsPrincipal user,
        IValidator<ObservationRequest> validator,
        ServiceDatabase database,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        if (!user.IsRecipient(recipientId))
        {
            return Problems.Forbidden();
        }

        var validation = await validator.ValidateAsync(request, cancellationToken);
        if (!validation.IsValid)
        {
            return Problems.Validation(validation);
        }

        await using var work = await database.BeginAsync(cancellationToken);
        var row = await CaseStore.FindByFlagAsync(work.Connection, flagId, work.Transaction);
        if (row is null || row.RecipientId != recipientId)
        {
            return ReviewProblems.FlagNotFound();
        }

        var now = time.GetUtcNow();
        var observation = new ObservationView(Guid.CreateVersion7(now), flagId, request.Text!.Trim(), now);
        await work.Connection.ExecuteAsync(
            """
            INSERT INTO observations (observation_id, flag_id, recipient_id, text, received_at)
            VALUES (@ObservationId, @FlagId, @recipientId, @Text, @ReceivedAt)
            """,
            new { observation.ObservationId, observation.FlagId, recipientId, observation.Text, observation.ReceivedAt },
            work.Transaction);
        await CaseStore.AddHistoryAsync(work.Connection, work.Transaction, row.CaseId, now, "observation-received", recipientId, null);
        work.Publish(new ObservationReceived(observation.ObservationId, flagId, recipientId, observation.Text, now) { OccurredAt = now });
        await work.CommitAsync(cancellationToken);
        return TypedResults.Created($"/api/recipients/{recipientId}/flags/{flagId}/observations/{observation.ObservationId}", observation);
    }
}

public sealed record ObservationRequest(string? Text);

internal sealed class ObservationRequestValidator : AbstractValidator<ObservationRequest>
{
    public const int MaxLength = 4000;

    public ObservationRequestValidator() =>
        RuleFor(request => request.Text)
            .Must(text => !string.IsNullOrWhiteSpace(text))
            .WithMessage(_ => Localized.Text("Écrivez votre réponse : le texte est vide.", "Write your answer: the text is empty."))
            .Must(text => text is null || text.Length <= MaxLength)
            .WithMessage(_ => Localized.Text(
                $"Votre réponse fait au plus {MaxLength} caractères ; vous pouvez en envoyer plusieurs.",
                $"Your answer is at most {MaxLength} characters; you may send several."));
}

public sealed record ObservationView(Guid ObservationId, Guid FlagId, string Text, DateTimeOffset ReceivedAt);

/// <summary>A proposal as the recipient sees it: what is proposed and until when they may answer.</summary>
public sealed record RecipientProposal(
    Guid ProposalId, int Percent, int Months, string StartMonth, string Reason, DateTimeOffset NotifiedAt, DateTimeOffset AnswerBy, string State)
{
    public static RecipientProposal Of(ProposalView proposal)
    {
        ArgumentNullException.ThrowIfNull(proposal);
        return new(proposal.ProposalId, proposal.Percent, proposal.Months, proposal.StartMonth, proposal.Reason, proposal.NotifiedAt,
            proposal.AnswerBy, proposal.State);
    }
}

/// <summary>A flag in API.md's shape, with the proposals it led to and the recipient's observations.</summary>
public sealed record RecipientFlag(
    Guid FlagId,
    string RecipientId,
    string Week,
    string RuleId,
    int RuleVersion,
    string State,
    JsonElement Facts,
    IReadOnlyDictionary<string, decimal> Parameters,
    TextView Explanation,
    bool SanctionEligible,
    IReadOnlyList<RecipientProposal> Proposals,
    IReadOnlyList<ObservationView> Observations);

public sealed record RecipientFlags(string RecipientId, IReadOnlyList<RecipientFlag> Flags);

public sealed record AppliedParameter(string Name, decimal Value);

/// <summary>The four items CRPA R311-3-1-2 requires, each in French and English, with the raw facts and parameters.</summary>
public sealed record CrpaExplanation(
    Guid FlagId,
    string RuleId,
    int RuleVersion,
    string Week,
    TextView DegreeAndModeOfContribution,
    TextView DataAndSources,
    JsonElement Facts,
    TextView ParametersAsApplied,
    IReadOnlyList<AppliedParameter> Parameters,
    TextView OperationsPerformed,
    TextView Explanation)
{
    public static CrpaExplanation For(FlagView flag)
    {
        ArgumentNullException.ThrowIfNull(flag);
        var facts = Describe(flag.Facts);
        var parameters = flag.Parameters.OrderBy(pair => pair.Key, StringComparer.Ordinal)
            .Select(pair => new AppliedParameter(pair.Key, pair.Value)).ToList();
        var parameterText = parameters.Count == 0
            ? "—"
            : string.Join("; ", parameters.Select(parameter => $"{parameter.Name} = {parameter.Value.ToString(CultureInfo.InvariantCulture)}"));
        return new CrpaExplanation(
            flag.FlagId,
            flag.RuleId,
            flag.RuleVersion,
            flag.Week,
            new TextView(
                $"Un traitement automatisé (règle « {flag.RuleId} », version {flag.RuleVersion}) a seulement signalé votre semaine {flag.Week} "
                + "pour qu'un conseiller l'examine. Il ne décide rien : il ne calcule aucun score et ne modifie jamais votre allocation. "
                + "Toute suite est décidée par des personnes : un conseiller examine le signalement ; une sanction ne peut être que proposée "
                + "par un conseiller, vous être notifiée avec un délai pour présenter vos observations, puis approuvée par une autre personne.",
                $"An automated process (rule '{flag.RuleId}', version {flag.RuleVersion}) only flagged your week {flag.Week} for a counsellor "
                + "to look at. It decides nothing: it computes no score and never changes your allocation. Anything that follows is decided "
                + "by people: a counsellor reviews the flag; a sanction can only be proposed by a counsellor, notified to you with time to send "
                + "your observations, then approved by someone else."),
            new TextView(
                $"Données utilisées : {facts}. Sources : vos déclarations hebdomadaires d'activité et les heures de votre contrat "
                + "d'engagement, telles qu'enregistrées par le service des déclarations. Aucune autre donnée (santé, handicap, nationalité, "
                + "situation familiale, adresse, revenus) n'est utilisée.",
                $"Data used: {facts}. Sources: your weekly activity declarations and the hours of your contrat d'engagement, as recorded by "
                + "the declarations service. No other data (health, disability, nationality, family situation, address, income) is used."),
            flag.Facts,
            new TextView($"Paramètres appliqués à votre situation : {parameterText}.", $"Parameters applied to your situation: {parameterText}."),
            parameters,
            new TextView(
                $"Opérations effectuées : la règle a comparé les données ci-dessus aux paramètres ci-dessus. {flag.Explanation.Fr}",
                $"Operations performed: the rule compared the data above with the parameters above. {flag.Explanation.En}"),
            flag.Explanation);
    }

    private static string Describe(JsonElement facts) => facts.ValueKind == JsonValueKind.Object
        ? string.Join("; ", facts.EnumerateObject().Select(property => $"{property.Name} = {property.Value.GetRawText()}"))
        : facts.GetRawText();
}

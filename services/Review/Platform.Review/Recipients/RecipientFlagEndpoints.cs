using System.Security.Claims;
using System.Text.Json;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Platform.Review.Cases;
using Platform.Review.Stores;
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
        var group = endpoints.MapGroup("/api/recipients/{recipientId}/flags").WithTags("Recipient flags").RequireAuthorization(Policies.Recipient);
        group.MapGet("", List)
            .WithName("ListRecipientFlags")
            .WithSummary("A recipient's flags, in plain words")
            .WithDescription("""
                Every flag raised on the recipient's declarations: the week, the rule, its explanation in French and English,
                its state, any sanction proposed and the observations the recipient sent. Only the recipient themself
                (`sub` = recipientId). Changes nothing.
                """);
        group.MapGet("/{flagId:guid}/explanation", Explain)
            .WithName("ExplainRecipientFlag")
            .WithSummary("The explanation the law requires for a flag (CRPA R311-3-1-2)")
            .WithDescription("""
                The four items CRPA R311-3-1-2 gives the recipient of an algorithmic treatment: the degree and mode of its
                contribution to the decision, the data and their sources, the parameters as applied to them, and the
                operations performed. Only the recipient themself. Changes nothing.
                """)
            .ProducesNotFound("This flag does not exist, or is not this recipient's.");
        group.MapPost("/{flagId:guid}/observations", Observe).WithIdempotencyKey()
            .WithName("SendObservation")
            .WithSummary("Answer a flag in one's own words")
            .WithDescription("""
                The recipient sends their observations on a flag (CRPA L122-1: the right to be heard before a sanction);
                the counsellor and the second person see them before deciding. An observation leaves the answer window of
                a pending proposal open (more may come); with `nothingToAdd: true` the person says they have nothing more
                to add, which closes it now. Only the recipient themself. Publishes `ObservationReceived`.
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

        var (views, observations) = await ReviewReads.RecipientAsync(database, recipientId, cancellationToken);
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

        var flag = await ReviewReads.FlagAsync(database, flagId, cancellationToken);
        return flag is null || flag.RecipientId != recipientId ? ReviewProblems.FlagNotFound() : TypedResults.Ok(CrpaExplanation.For(flag));
    }

    /// <summary>The recipient answers a flag, in their own words; the validation comes after checking who asks.</summary>
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
        if (await ReviewLocks.CaseOfFlagAsync(work, flagId) is not { } found)
        {
            return ReviewProblems.FlagNotFound();
        }

        var now = time.GetUtcNow();
        var outcome = found.RecordObservation(recipientId, Guid.CreateVersion7(now), request.Text!.Trim(), now, request.NothingToAdd ?? false);
        if (outcome.Refusal is { } refusal)
        {
            return ReviewProblems.For(refusal);
        }

        await ReviewChanges.SaveAsync(work, outcome.Change!);
        await work.CommitAsync(cancellationToken);
        var observation = outcome.Change!.Observation!;
        return TypedResults.Created(
            $"/api/recipients/{Uri.EscapeDataString(recipientId)}/flags/{flagId}/observations/{observation.ObservationId}",
            new ObservationView(observation.ObservationId, flagId, observation.Text, observation.ReceivedAt, observation.NothingToAdd));
    }
}

/// <param name="Text">What the person says, in their own words.</param>
/// <param name="NothingToAdd">
/// True when the person also says they have nothing more to add: the answer window of a pending proposal on this flag
/// closes now instead of at its deadline, so a decision may be taken. Without it, an observation leaves the window open.
/// </param>
public sealed record ObservationRequest(string? Text, bool? NothingToAdd = null);

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

public sealed record ObservationView(Guid ObservationId, Guid FlagId, string Text, DateTimeOffset ReceivedAt, bool NothingToAdd);

/// <summary>A proposal as the recipient sees it: what is proposed, until when they may answer, and the hearing they asked for.</summary>
public sealed record RecipientProposal(
    Guid ProposalId, int Percent, int Months, string StartMonth, string Reason, DateTimeOffset NotifiedAt, DateTimeOffset AnswerBy, string State,
    HearingView? Hearing)
{
    public static RecipientProposal Of(ProposalView proposal)
    {
        ArgumentNullException.ThrowIfNull(proposal);
        return new(proposal.ProposalId, proposal.Percent, proposal.Months, proposal.StartMonth, proposal.Reason, proposal.NotifiedAt,
            proposal.AnswerBy, proposal.State, proposal.Hearing);
    }
}

/// <summary>A flag as the API shows it, with the proposals it led to and the recipient's observations.</summary>
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

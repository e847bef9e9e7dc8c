using System.Security.Claims;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Platform.Review.Cases;
using Platform.Review.Domain;
using Platform.Review.Stores;
using Platform.ServiceDefaults.Auth;
using Platform.ServiceDefaults.Data;
using Platform.ServiceDefaults.Idempotency;
using Platform.ServiceDefaults.OpenApi;
using Platform.ServiceDefaults.Problems;
using Platform.ServiceDefaults.Validation;

namespace Platform.Review.Hearings;

/// <summary>
/// The right to be heard (CASF L262-37, décret n° 2025-478 du 30 mai 2025): the person, or a counsellor for them, asks
/// for a hearing on the notice of an envisaged sanction, naming who will assist them; a counsellor schedules it, then
/// records it. Load, ask the <see cref="Hearing"/>, save, answer.
/// </summary>
public static class HearingEndpoints
{
    public static IEndpointRouteBuilder MapHearingEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/api/recipients/{recipientId}/notices/{noticeId:guid}/hearing", RequestHearing)
            .WithTags("Hearings")
            .RequireAuthorization(Policies.RecipientOrCounsellor)
            .ValidateRequest<HearingRequest>()
            .WithIdempotencyKey()
            .WithName("RequestHearing")
            .WithSummary("Ask to be heard on a notice of an envisaged sanction")
            .WithDescription("""
                The person, or a counsellor for them, asks for a hearing before any decision, optionally naming who will
                assist them and in what role (CASF L262-37: « assisté d'une personne de son choix »). Only while the proposal
                is pending and its answer window open (neither its deadline passed nor « nothing to add » said); one hearing
                per proposal. Until the hearing is recorded, the proposal cannot be approved. Publishes `HearingRequested`.
                """)
            .WithRequestExample("""{"assistantName":"Mme Martin","assistantRole":"Association Entraide"}""")
            .ProducesNotFound("This notice does not exist, or is not this recipient's.")
            .ProducesProblemType(StatusCodes.Status409Conflict, ReviewProblems.AnswerWindowClosed, "The answer window closed: a hearing can no longer be asked for.")
            .ProducesProblemType(StatusCodes.Status409Conflict, ReviewProblems.HearingAlreadyRequested, "A hearing was already asked for.")
            .ProducesProblemType(StatusCodes.Status409Conflict, ReviewProblems.ProposalNotPending, "The proposal was already decided.");

        var hearing = endpoints.MapGroup("/api/review/sanction-proposals/{proposalId:guid}/hearing").WithTags("Hearings")
            .RequireAuthorization(Policies.CaseWorker);
        hearing.MapPost("/schedule", Schedule).ValidateRequest<HearingScheduleRequest>().WithIdempotencyKey()
            .WithName("ScheduleHearing")
            .WithSummary("Schedule (or move) a requested hearing")
            .WithDescription("""
                A counsellor sets the hearing's date and time (in the future) and its place (an address, or by phone and a
                number). Scheduling again moves it, until it is recorded. Publishes `HearingScheduled`.
                """)
            .WithRequestExample("""{"scheduledAt":"2026-12-10T09:30:00+01:00","place":"Agence de Saint-Denis, 3 rue de la Gare"}""")
            .ProducesNotFound("This proposal does not exist.")
            .ProducesProblemType(StatusCodes.Status409Conflict, ReviewProblems.NoHearingRequested, "Nobody asked for a hearing on this proposal.")
            .ProducesProblemType(StatusCodes.Status409Conflict, ReviewProblems.HearingAlreadyHeld, "The hearing was already recorded.")
            .ProducesProblemType(StatusCodes.Status409Conflict, ReviewProblems.ProposalNotPending, "The proposal was already decided.");
        hearing.MapPost("/record", Record).ValidateRequest<HearingRecordRequest>().WithIdempotencyKey()
            .WithName("RecordHearing")
            .WithSummary("Record a hearing: who attended and what was said, or that the person did not come")
            .WithDescription("""
                A counsellor records the hearing once its scheduled time has come: whether the person came, who attended
                (the person, who assisted them, the agents), and what was said — or that the person did not come. The
                proposal's answer window closes now, and a supervisor may decide. Publishes `HearingHeld`.
                """)
            .WithRequestExample("""{"personAttended":true,"attendees":"L'allocataire, Mme Martin (association), M. Durand (conseiller)","summary":"L'allocataire explique une hospitalisation en octobre ; justificatif promis."}""")
            .ProducesNotFound("This proposal does not exist.")
            .ProducesProblemType(StatusCodes.Status409Conflict, ReviewProblems.NoHearingRequested, "Nobody asked for a hearing on this proposal.")
            .ProducesProblemType(StatusCodes.Status409Conflict, ReviewProblems.HearingNotScheduled, "The hearing was never scheduled.")
            .ProducesProblemType(StatusCodes.Status409Conflict, ReviewProblems.HearingNotYetDue, "The hearing's scheduled time has not come.")
            .ProducesProblemType(StatusCodes.Status409Conflict, ReviewProblems.HearingAlreadyHeld, "The hearing was already recorded.")
            .ProducesProblemType(StatusCodes.Status409Conflict, ReviewProblems.ProposalNotPending, "The proposal was already decided.");
        return endpoints;
    }

    private static async Task<Results<Ok<ProposalHearing>, ProblemHttpResult>> RequestHearing(
        string recipientId, Guid noticeId, HearingRequest request, ClaimsPrincipal user, ServiceDatabase database, TimeProvider time,
        CancellationToken cancellationToken)
    {
        if (!user.MayRead(recipientId, Roles.Counsellor))
        {
            return Problems.Forbidden();
        }

        var now = time.GetUtcNow();
        Guid proposalId;
        await using (var work = await database.BeginAsync(cancellationToken))
        {
            if (await NoticeStore.LockAsync(work, noticeId) is not (Case found, Proposal proposal, Notice notice) || notice.RecipientId != recipientId)
            {
                return ReviewProblems.NoticeNotFound();
            }

            proposalId = proposal.ProposalId;
            var window = await ObservationStore.WindowAsync(work, proposal, now);
            var outcome = Hearing.Request(
                found, proposal, window, window.Hearing, user.SubjectId(), HearingRequest.Clean(request.AssistantName), HearingRequest.Clean(request.AssistantRole),
                Guid.CreateVersion7(now), now);
            if (outcome.Refusal is { } refusal)
            {
                return ReviewProblems.For(refusal);
            }

            await HearingStore.SaveAsync(work, outcome.Change!);
            await work.CommitAsync(cancellationToken);
        }

        return TypedResults.Ok(await ViewAsync(database, proposalId, cancellationToken));
    }

    private static Task<Results<Ok<ProposalHearing>, ProblemHttpResult>> Schedule(
        Guid proposalId, HearingScheduleRequest request, ClaimsPrincipal user, ServiceDatabase database, TimeProvider time, CancellationToken cancellationToken) =>
        ChangeAsync(
            proposalId,
            database,
            (found, proposal, hearing) => hearing.Schedule(found, proposal, user.SubjectId(), request.ScheduledAt!.Value, request.Place!.Trim(), time.GetUtcNow()),
            cancellationToken);

    private static Task<Results<Ok<ProposalHearing>, ProblemHttpResult>> Record(
        Guid proposalId, HearingRecordRequest request, ClaimsPrincipal user, ServiceDatabase database, TimeProvider time, CancellationToken cancellationToken) =>
        ChangeAsync(
            proposalId,
            database,
            (found, proposal, hearing) => hearing.Record(
                found, proposal, user.SubjectId(), request.PersonAttended!.Value, HearingRequest.Clean(request.Attendees), request.Summary!.Trim(),
                time.GetUtcNow()),
            cancellationToken);

    private static async Task<Results<Ok<ProposalHearing>, ProblemHttpResult>> ChangeAsync(
        Guid proposalId, ServiceDatabase database, Func<Case, Proposal, Hearing, HearingOutcome> change, CancellationToken cancellationToken)
    {
        await using (var work = await database.BeginAsync(cancellationToken))
        {
            if (await ReviewLocks.ProposalAsync(work, proposalId) is not (Case found, Proposal proposal))
            {
                return ReviewProblems.ProposalNotFound();
            }

            if (await HearingStore.FindAsync(work, proposalId) is not { } hearing)
            {
                return ReviewProblems.For(new Refusal(RefusalCode.NoHearingRequested));
            }

            var outcome = change(found, proposal, hearing);
            if (outcome.Refusal is { } refusal)
            {
                return ReviewProblems.For(refusal);
            }

            await HearingStore.SaveAsync(work, outcome.Change!);
            await work.CommitAsync(cancellationToken);
        }

        return TypedResults.Ok(await ViewAsync(database, proposalId, cancellationToken));
    }

    private static async Task<ProposalHearing> ViewAsync(ServiceDatabase database, Guid proposalId, CancellationToken cancellationToken)
    {
        var proposal = (await ReviewReads.ProposalAsync(database, proposalId, cancellationToken))!;
        return new ProposalHearing(proposal.ProposalId, proposal.State, proposal.AnswerBy, proposal.Hearing!);
    }
}

/// <param name="AssistantName">Who will assist the person at the hearing, if they wish (at most 200 characters).</param>
/// <param name="AssistantRole">That person's role: family, friend, association, lawyer… (at most 200 characters).</param>
public sealed record HearingRequest(string? AssistantName, string? AssistantRole)
{
    public const int MaxLength = 200;

    public static string? Clean(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}

/// <param name="ScheduledAt">When the hearing takes place: an instant with its offset, in the future.</param>
/// <param name="Place">Where: an address, or « par téléphone » and the number to call (at most 300 characters).</param>
public sealed record HearingScheduleRequest(DateTimeOffset? ScheduledAt, string? Place)
{
    public const int MaxPlaceLength = 300;
}

/// <param name="PersonAttended">Whether the person came (in person or on the phone).</param>
/// <param name="Attendees">Who attended: the person, who assisted them, the agents (required when the person came).</param>
/// <param name="Summary">What was said, or what was done when the person did not come (at most 4000 characters).</param>
public sealed record HearingRecordRequest(bool? PersonAttended, string? Attendees, string? Summary)
{
    public const int MaxLength = 4000;
}

/// <summary>A proposal's hearing after a change: the proposal's state and deadline, and the hearing as it now stands.</summary>
public sealed record ProposalHearing(Guid ProposalId, string ProposalState, DateTimeOffset AnswerBy, HearingView Hearing);

internal sealed class HearingRequestValidator : AbstractValidator<HearingRequest>
{
    public HearingRequestValidator()
    {
        RuleFor(request => request.AssistantName)
            .Must(text => text is null || text.Length <= HearingRequest.MaxLength)
            .WithMessage(_ => Localized.Text(
                $"Le nom de la personne qui vous assiste fait au plus {HearingRequest.MaxLength} caractères.",
                $"The name of the person assisting you is at most {HearingRequest.MaxLength} characters."));
        RuleFor(request => request.AssistantRole)
            .Must(text => text is null || text.Length <= HearingRequest.MaxLength)
            .WithMessage(_ => Localized.Text(
                $"Le rôle de la personne qui vous assiste fait au plus {HearingRequest.MaxLength} caractères.",
                $"The role of the person assisting you is at most {HearingRequest.MaxLength} characters."))
            .Must((request, role) => string.IsNullOrWhiteSpace(role) || !string.IsNullOrWhiteSpace(request.AssistantName))
            .WithMessage(_ => Localized.Text(
                "Indiquez aussi le nom de la personne qui vous assiste, ou laissez son rôle vide.",
                "Give the name of the person assisting you too, or leave their role empty."));
    }
}

internal sealed class HearingScheduleRequestValidator : AbstractValidator<HearingScheduleRequest>
{
    public HearingScheduleRequestValidator()
    {
        RuleFor(request => request.ScheduledAt)
            .NotNull()
            .WithMessage(_ => Localized.Text(
                "Indiquez la date et l'heure de l'entretien (par exemple 2026-12-10T09:30:00+01:00).",
                "Give the hearing's date and time (e.g. 2026-12-10T09:30:00+01:00)."));
        RuleFor(request => request.Place)
            .Must(place => !string.IsNullOrWhiteSpace(place) && place.Length <= HearingScheduleRequest.MaxPlaceLength)
            .WithMessage(_ => Localized.Text(
                $"Indiquez le lieu de l'entretien (une adresse, ou « par téléphone » et le numéro), en au plus {HearingScheduleRequest.MaxPlaceLength} caractères.",
                $"Give the hearing's place (an address, or « by phone » and the number), in at most {HearingScheduleRequest.MaxPlaceLength} characters."));
    }
}

internal sealed class HearingRecordRequestValidator : AbstractValidator<HearingRecordRequest>
{
    public HearingRecordRequestValidator()
    {
        RuleFor(request => request.PersonAttended)
            .NotNull()
            .WithMessage(_ => Localized.Text("Indiquez si la personne est venue (true ou false).", "Say whether the person came (true or false)."));
        RuleFor(request => request.Attendees)
            .Must((request, attendees) => request.PersonAttended != true || !string.IsNullOrWhiteSpace(attendees))
            .WithMessage(_ => Localized.Text("Indiquez qui était présent.", "Say who attended."))
            .Must(attendees => attendees is null || attendees.Length <= HearingRequest.MaxLength * 5)
            .WithMessage(_ => Localized.Text(
                $"La liste des présents fait au plus {HearingRequest.MaxLength * 5} caractères.", $"The list of attendees is at most {HearingRequest.MaxLength * 5} characters."));
        RuleFor(request => request.Summary)
            .Must(summary => !string.IsNullOrWhiteSpace(summary) && summary.Length <= HearingRecordRequest.MaxLength)
            .WithMessage(_ => Localized.Text(
                $"Résumez ce qui a été dit (ou ce qui a été fait si la personne n'est pas venue), en au plus {HearingRecordRequest.MaxLength} caractères.",
                $"Summarise what was said (or what was done if the person did not come), in at most {HearingRecordRequest.MaxLength} characters."));
    }
}

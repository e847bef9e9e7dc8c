using System.Security.Claims;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Platform.Contracts.Review;
using Platform.Review.Letters;
using Platform.Review.Sanctions;
using Platform.Review.Stores;
using Platform.Rules.Calendar;
using Platform.ServiceDefaults.Auth;
using Platform.ServiceDefaults.Data;
using Platform.ServiceDefaults.OpenApi;
using Platform.ServiceDefaults.Problems;
using Platform.ServiceDefaults.Validation;

namespace Platform.Review.Suspensions;

/// <summary>
/// Ending a suspension before its term (CASF L262-37 I: « Si, avant le terme de la suspension, le bénéficiaire se
/// conforme à ses obligations, le président du conseil départemental met fin à la suspension »). The recipient says
/// they meet their obligations again (or a counsellor records it); a person decides, with a reason, from which month
/// the suspension ends; the decision is signed here and is the only thing that makes the allocations service lift a
/// suspension and pay back what it withheld. One person suffices: the decision is in the recipient's favour.
/// </summary>
public static class SuspensionEndpoints
{
    public const string SuspensionNotFound = ProblemTypes.Base + "suspension-not-found";
    public const string SuspensionAlreadyEnded = ProblemTypes.Base + "suspension-already-ended";

    public static IEndpointRouteBuilder MapSuspensionEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var recipients = endpoints.MapGroup("/api/recipients/{recipientId}").WithTags("Suspensions");
        recipients.MapPost("/obligations-met", State).RequireAuthorization(Policies.RecipientOrCounsellor)
            .WithName("StateObligationsMet")
            .WithSummary("Say the recipient meets their obligations again")
            .WithDescription("""
                The recipient (or a counsellor for them) says they meet their obligations again (CASF L262-37 I). It asks
                for a decision to end a suspension; it moves no money. Publishes `ObligationsMetStated`.
                """)
            .WithRequestExample("""{"text":"J'ai repris mes démarches de recherche d'emploi."}""");
        recipients.MapGet("/suspensions", List).RequireAuthorization(Policies.RecipientOrCaseWorker)
            .WithName("ListSuspensions")
            .WithSummary("A recipient's suspensions and their endings")
            .WithDescription("""
                The suspensions signed for the recipient, the statements that they meet their obligations again, and each
                ending decided. A recipient reads their own. Changes nothing.
                """);
        endpoints.MapGroup("/api/review/suspensions").WithTags("Suspensions")
            .MapPost("/{decisionId:guid}/end", End).RequireAuthorization(Policies.CaseWorker)
            .ValidateRequest<EndSuspensionRequest>()
            .WithName("EndSuspension")
            .WithSummary("End a suspension before its term")
            .WithDescription("""
                A person holding a delegation of the président in force decides, with a reason, from which month a signed
                suspension ends; one person suffices, the decision being in the recipient's favour. The review service signs it
                and issues its letter (`suspension-ended`, read with the decision letters; `DecisionLetterIssued`). Publishes
                `SuspensionEnded` (signed), the only thing that makes the allocations service lift the suspension and pay
                back what it withheld.
                """)
            .WithRequestExample("""{"fromMonth":"2027-01","reason":"Démarches reprises, vérifiées en entretien.","statementId":null}""")
            .ProducesProblemType(StatusCodes.Status404NotFound, SuspensionNotFound, "No signed suspension has this decision id.")
            .ProducesProblemType(StatusCodes.Status403Forbidden, ReviewProblems.NoDelegation, "The decider holds no delegation of the président in force today.")
            .ProducesProblemType(StatusCodes.Status409Conflict, SuspensionAlreadyEnded, "The suspension has already been ended.");
        return endpoints;
    }

    /// <summary>The recipient (or a counsellor for them) says they meet their obligations again. It asks for a decision; it moves no money.</summary>
    private static async Task<Results<Created<StatementView>, ProblemHttpResult>> State(
        string recipientId,
        ObligationsMetRequest request,
        ClaimsPrincipal user,
        IValidator<ObligationsMetRequest> validator,
        ServiceDatabase database,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        if (!user.IsRecipient(recipientId) && !user.IsInRole(Roles.Counsellor))
        {
            return Problems.Forbidden();
        }

        var validation = await validator.ValidateAsync(request, cancellationToken);
        if (!validation.IsValid)
        {
            return Problems.Validation(validation);
        }

        var now = time.GetUtcNow();
        var statement = new StatementView(Guid.CreateVersion7(now), recipientId, user.SubjectId(), request.Text!.Trim(), now);
        await using var work = await database.BeginAsync(cancellationToken);
        await SuspensionStore.AddStatementAsync(work, statement);
        work.Publish(new ObligationsMetStated(statement.StatementId, recipientId, statement.StatedBy, statement.Text, now) { OccurredAt = now });
        await work.CommitAsync(cancellationToken);
        // A Location header holds ASCII only: the identifier as given may not be.
        return TypedResults.Created($"/api/recipients/{Uri.EscapeDataString(recipientId)}/suspensions", statement);
    }

    private static async Task<Results<Ok<RecipientSuspensions>, ProblemHttpResult>> List(
        string recipientId, ClaimsPrincipal user, ServiceDatabase database, CancellationToken cancellationToken)
    {
        if (!user.MayRead(recipientId, Roles.Counsellor, Roles.Supervisor))
        {
            return Problems.Forbidden();
        }

        return TypedResults.Ok(await SuspensionStore.RecipientAsync(database, recipientId, cancellationToken));
    }

    /// <summary>A person ends a suspension this service decided, from a month within it, with a reason; the decision is signed here.</summary>
    private static async Task<Results<Ok<SuspensionEnded>, ProblemHttpResult>> End(
        Guid decisionId,
        EndSuspensionRequest request,
        ClaimsPrincipal user,
        DecisionSigner signer,
        IOptions<LetterOptions> letters,
        ServiceDatabase database,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        await using var work = await database.BeginAsync(cancellationToken);
        var suspension = await SuspensionStore.LockAsync(work, decisionId);
        if (suspension is null)
        {
            return Problems.Create(
                StatusCodes.Status404NotFound,
                SuspensionNotFound,
                Localized.Text("Suspension introuvable", "No such suspension"),
                Localized.Text("Aucune sanction décidée et signée ne porte cet identifiant.", "No decided and signed sanction has this id."));
        }

        if (suspension.EndingDecisionId is not null)
        {
            return Problems.Conflict(
                SuspensionAlreadyEnded,
                $"Cette suspension a déjà pris fin à partir de {suspension.EndedFromMonth}.",
                $"This suspension was already ended from {suspension.EndedFromMonth}.");
        }

        var first = Months.TryParse(suspension.StartMonth, out var start) ? start : throw new InvalidOperationException("Stored validated.");
        var last = first.AddMonths(suspension.Months - 1);
        var from = Months.TryParse(request.FromMonth, out var month) ? month : first;
        if (from < first || from > last)
        {
            return Problems.Validation(new Dictionary<string, string[]>
            {
                ["fromMonth"] = [Localized.Text(
                    $"La suspension court de {Months.Format(first)} à {Months.Format(last)} : elle prend fin à partir d'un de ces mois.",
                    $"The suspension runs from {Months.Format(first)} to {Months.Format(last)}: it ends from one of those months.")],
            });
        }

        if (request.StatementId is { } statementId
            && !await SuspensionStore.StatementExistsAsync(work, statementId, suspension.RecipientId))
        {
            return Problems.Validation(new Dictionary<string, string[]>
            {
                ["statementId"] = [Localized.Text(
                    "Cette déclaration de l'allocataire n'existe pas.", "The recipient has made no such statement.")],
            });
        }

        // Ending a suspension is a decision of the président: only under a delegation in force, which its letter names.
        var now = time.GetUtcNow();
        var (delegationInForce, departement) = await LetterDelivery.DelegationForRecipientAsync(work, user.SubjectId(), suspension.RecipientId, letters.Value, now);
        if (delegationInForce is not { } delegation)
        {
            return ReviewProblems.WithoutDelegation(departement);
        }

        var ending = signer.Sign(new SuspensionEnded(
            Guid.CreateVersion7(now),
            decisionId,
            suspension.RecipientId,
            Months.Format(from),
            user.SubjectId(),
            request.Reason!.Trim(),
            request.StatementId,
            now,
            KeyId: "",
            Signature: "") { OccurredAt = now });
        await SuspensionStore.AddEndingAsync(work, ending);
        var sanction = await SuspensionStore.SanctionOfAsync(work, decisionId);
        await LetterDelivery.IssueEndingAsync(work, ending, sanction.ProposalId, sanction.CaseId, delegation, now);
        work.Publish(ending);
        await work.CommitAsync(cancellationToken);
        return TypedResults.Ok(ending);
    }
}

public sealed record ObligationsMetRequest(string? Text);

/// <param name="FromMonth">The first month without suspension, <c>YYYY-MM</c>, within the suspension.</param>
/// <param name="StatementId">The recipient's statement the decision answers, if any.</param>
public sealed record EndSuspensionRequest(string? FromMonth, string? Reason, Guid? StatementId);

public sealed record RecipientSuspensions(string RecipientId, IReadOnlyList<SuspensionView> Suspensions, IReadOnlyList<StatementView> Statements);

internal sealed class ObligationsMetRequestValidator : AbstractValidator<ObligationsMetRequest>
{
    public const int MaxLength = 4000;

    public ObligationsMetRequestValidator() =>
        RuleFor(request => request.Text)
            .Must(text => !string.IsNullOrWhiteSpace(text))
            .WithMessage(_ => Localized.Text(
                "Dites en quelques mots ce que vous faites de nouveau : le texte est vide.", "Say in a few words what you are doing again: the text is empty."))
            .Must(text => text is null || text.Length <= MaxLength)
            .WithMessage(_ => Localized.Text($"Le texte fait au plus {MaxLength} caractères.", $"The text is at most {MaxLength} characters."));
}

internal sealed class EndSuspensionRequestValidator : AbstractValidator<EndSuspensionRequest>
{
    public const int MaxLength = 4000;

    public EndSuspensionRequestValidator()
    {
        RuleFor(request => request.FromMonth)
            .Must(month => Months.TryParse(month, out _))
            .WithMessage(_ => Localized.Text(
                "Le premier mois sans suspension est obligatoire et s'écrit AAAA-MM, par exemple 2027-02.",
                "The first month without suspension is required and is written YYYY-MM, e.g. 2027-02."));
        RuleFor(request => request.Reason)
            .Must(reason => !string.IsNullOrWhiteSpace(reason))
            .WithMessage(_ => Localized.Text("Donnez la raison de la décision.", "Give the reason for the decision."))
            .Must(reason => reason is null || reason.Length <= MaxLength)
            .WithMessage(_ => Localized.Text($"La raison fait au plus {MaxLength} caractères.", $"The reason is at most {MaxLength} characters."));
    }
}

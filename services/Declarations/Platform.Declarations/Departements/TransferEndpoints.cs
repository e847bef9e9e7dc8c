using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Platform.Contracts.Declarations;
using Platform.Declarations.Engagements;
using Platform.ServiceDefaults.Auth;
using Platform.ServiceDefaults.Data;
using Platform.ServiceDefaults.Departements;
using Platform.ServiceDefaults.Idempotency;
using Platform.ServiceDefaults.OpenApi;
using Platform.ServiceDefaults.Problems;
using Platform.ServiceDefaults.Validation;

namespace Platform.Declarations.Departements;

public static class TransferEndpoints
{
    public static IEndpointRouteBuilder MapTransferEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/api/recipients/{recipientId}/transfer", Transfer).WithTags("Départements")
            .RequireAuthorization(Policies.CaseWorker).ChecksDepartementItself()
            .ValidateRequest<TransferRequest>().WithIdempotencyKey()
            .WithName("TransferRecipient")
            .WithSummary("Move a recipient to another département")
            .WithDescription("""
                A recipient who moved now belongs to another département. A counsellor or supervisor of the département left
                or of the one joined records it, with a reason; from then on the new département's agents act on the file
                (the history moves with the person) and the former one's no longer see it. Publishes `RecipientTransferred`,
                which every service keeps. A recipient not placed in one of the caller's départements, or in none, answers
                404; a transfer to the département the recipient already belongs to, 409.
                """)
            .WithRequestExample("""{"toDepartement":"13","reason":"Déménagement à Marseille le 2 novembre."}""")
            .ProducesNotFound("No recipient of this id in the caller's départements.")
            .ProducesProblemType(StatusCodes.Status409Conflict, DepartementProblems.SameDepartement,
                "The recipient already belongs to that département.");
        return endpoints;
    }

    private static async Task<Results<Ok<TransferView>, ProblemHttpResult>> Transfer(
        string recipientId, TransferRequest request, ClaimsPrincipal user, ServiceDatabase database, TimeProvider time,
        CancellationToken cancellationToken)
    {
        var to = request.ToDepartement!;
        await using var work = await database.BeginAsync(cancellationToken);
        await RecipientLock.TakeAsync(work, recipientId);
        var from = await RecipientPlacements.DepartementOfAsync(work.Connection, recipientId, work.Transaction);
        if (from is null || !(user.ActsFor(from) || user.ActsFor(to)))
        {
            return Problems.NotFound(
                "Aucun allocataire de cet identifiant dans vos départements.",
                "No recipient of this id in your départements.");
        }

        if (from == to)
        {
            return Problems.Conflict(
                DepartementProblems.SameDepartement,
                $"L'allocataire relève déjà du département {to}.",
                $"The recipient already belongs to département {to}.");
        }

        var transfer = new TransferView(recipientId, from, to, user.SubjectId(), time.GetUtcNow(), request.Reason!.Trim());
        await RecipientPlacements.PlaceAsync(work, recipientId, to, producerSequence: null, transfer.TransferredAt);
        work.Publish(new RecipientTransferred(recipientId, from, to, transfer.TransferredBy, transfer.Reason)
        {
            OccurredAt = transfer.TransferredAt,
        });
        await work.CommitAsync(cancellationToken);
        return TypedResults.Ok(transfer);
    }
}

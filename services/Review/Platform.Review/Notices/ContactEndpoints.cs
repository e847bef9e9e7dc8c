using System.Security.Claims;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Platform.Review.Stores;
using Platform.ServiceDefaults.Auth;
using Platform.ServiceDefaults.Data;
using Platform.ServiceDefaults.OpenApi;
using Platform.ServiceDefaults.Problems;

namespace Platform.Review.Notices;

/// <summary>
/// Where a notice can reach the person by e-mail: nothing else in the platform knows an address, so the person (or a
/// counsellor for them) gives it here. Optional: without it the notice still reaches them in the application and by post.
/// </summary>
public static class ContactEndpoints
{
    public static IEndpointRouteBuilder MapContactEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/recipients/{recipientId}/contact").WithTags("Notices").RequireAuthorization(Policies.RecipientOrCounsellor);
        group.MapGet("", Get)
            .WithName("GetRecipientContact")
            .WithSummary("The e-mail address notices are sent to")
            .WithDescription("The recipient's e-mail address for notices, if they gave one. The recipient themself and counsellors. Changes nothing.")
            .ProducesNotFound("No e-mail address is recorded.");
        group.MapPut("", Put)
            .WithName("SetRecipientContact")
            .WithSummary("Give the e-mail address notices are sent to")
            .WithDescription("""
                The recipient (or a counsellor for them) gives an e-mail address; each later notice is also sent there, with
                its PDF letter and a single-use acknowledgement link. Optional. Publishes nothing.
                """)
            .WithRequestExample("""{"email":"prenom.nom@exemple.fr"}""");
        return endpoints;
    }

    private static async Task<Results<Ok<ContactView>, ProblemHttpResult>> Get(
        string recipientId, ClaimsPrincipal user, ServiceDatabase database, CancellationToken cancellationToken)
    {
        if (!user.MayRead(recipientId, Roles.Counsellor))
        {
            return Problems.Forbidden();
        }

        await using var work = await database.BeginAsync(cancellationToken);
        return await NoticeStore.ContactAsync(work, recipientId) is { } email
            ? TypedResults.Ok(new ContactView(recipientId, email))
            : Problems.NotFound("Aucune adresse électronique n'est enregistrée.", "No e-mail address is recorded.");
    }

    private static async Task<Results<Ok<ContactView>, ProblemHttpResult>> Put(
        string recipientId, ContactRequest request, ClaimsPrincipal user, IValidator<ContactRequest> validator, ServiceDatabase database,
        TimeProvider time, CancellationToken cancellationToken)
    {
        if (!user.MayRead(recipientId, Roles.Counsellor))
        {
            return Problems.Forbidden();
        }

        var validation = await validator.ValidateAsync(request, cancellationToken);
        if (!validation.IsValid)
        {
            return Problems.Validation(validation);
        }

        var email = request.Email!.Trim();
        await using var work = await database.BeginAsync(cancellationToken);
        await NoticeStore.SetContactAsync(work, recipientId, email, user.SubjectId(), time.GetUtcNow());
        await work.CommitAsync(cancellationToken);
        return TypedResults.Ok(new ContactView(recipientId, email));
    }
}

public sealed record ContactRequest(string? Email);

public sealed record ContactView(string RecipientId, string Email);

internal sealed class ContactRequestValidator : AbstractValidator<ContactRequest>
{
    public ContactRequestValidator() =>
        RuleFor(request => request.Email)
            .Must(email => email is { Length: > 0 and <= 254 } && MimeKit.MailboxAddress.TryParse(email.Trim(), out var parsed)
                && parsed.Address.Contains('@', StringComparison.Ordinal) && !email.Trim().Contains(' ', StringComparison.Ordinal))
            .WithMessage(_ => Localized.Text("Donnez une adresse électronique valide, par exemple prenom.nom@exemple.fr.", "Give a valid e-mail address, e.g. first.last@example.org."));
}

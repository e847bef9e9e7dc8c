using FluentValidation;
using Platform.ServiceDefaults.Departements;
using Platform.ServiceDefaults.Problems;

namespace Platform.Declarations.Departements;

/// <summary>POST body: the département the recipient now belongs to, and why.</summary>
/// <param name="ToDepartement">INSEE code (01 to 95, 2A, 2B, 971 to 976).</param>
public sealed record TransferRequest(string? ToDepartement, string? Reason)
{
    public const int MaxReasonLength = 2000;
}

internal sealed class TransferRequestValidator : AbstractValidator<TransferRequest>
{
    public TransferRequestValidator()
    {
        RuleFor(request => request.ToDepartement)
            .Must(DepartementCodes.IsValid)
            .WithMessage(request => Localized.Text(
                $"Le département d'arrivée s'écrit avec son code INSEE : 01 à 95, 2A, 2B, 971 à 976 (reçu : « {request.ToDepartement} »).",
                $"The département joined is written as its INSEE code: 01 to 95, 2A, 2B, 971 to 976 (got '{request.ToDepartement}')."));
        RuleFor(request => request.Reason)
            .Must(reason => !string.IsNullOrWhiteSpace(reason) && reason.Length <= TransferRequest.MaxReasonLength)
            .WithMessage(_ => Localized.Text(
                $"Indiquez la raison du transfert (un déménagement, une erreur corrigée ; {TransferRequest.MaxReasonLength} caractères au plus).",
                $"State the reason for the transfer (a move, an error corrected; {TransferRequest.MaxReasonLength} characters at most)."));
    }
}

/// <summary>The transfer as recorded.</summary>
public sealed record TransferView(
    string RecipientId, string FromDepartement, string ToDepartement, string TransferredBy, DateTimeOffset TransferredAt, string Reason);

using System.Globalization;
using FluentValidation;
using Platform.Contracts.Review;
using Platform.ServiceDefaults.Problems;

namespace Platform.Review.Appeals;

/// <summary>The person's appeal: the signed decision contested, their reasons, and references of documents they join.</summary>
public sealed record FileAppealRequest(Guid? DecisionId, string? Reasons, IReadOnlyList<string>? Documents);

/// <summary>A paper appeal recorded by a counsellor for the person, with the date the département received it.</summary>
public sealed record PaperAppealRequest(string? RecipientId, Guid? DecisionId, string? Reasons, IReadOnlyList<string>? Documents, string? ReceivedOn);

/// <summary>The commission de recours amiable's opinion (CASF R262-89), as given.</summary>
public sealed record CommissionOpinionRequest(string? Opinion);

/// <summary>The outcome of an appeal; a reduction gives the new share, the new length, or both.</summary>
public sealed record DecideAppealRequest(string? Outcome, int? Percent, int? Months, string? Reason);

internal static class AppealText
{
    public const int MaxReasonsLength = 5000;
    public const int MaxDocuments = 20;
    public const int MaxDocumentLength = 200;

    public static IRuleBuilderOptions<T, Guid?> ContestedDecision<T>(this IRuleBuilder<T, Guid?> rule) =>
        rule.Must(id => id is { } value && value != Guid.Empty)
            .WithMessage(_ => Localized.Text("Indiquez la décision contestée (son numéro, sur la lettre).", "Name the decision contested (its number, on the letter)."));

    public static IRuleBuilderOptions<T, string?> AppealReasons<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(text => !string.IsNullOrWhiteSpace(text))
            .WithMessage(_ => Localized.Text(
                "Expliquez pourquoi vous contestez la décision : un recours sans motifs ne peut pas être examiné.",
                "Explain why you contest the decision: an appeal without reasons cannot be examined."))
            .Must(text => text is null || text.Length <= MaxReasonsLength)
            .WithMessage(_ => Localized.Text($"Les motifs font au plus {MaxReasonsLength} caractères.", $"The reasons are at most {MaxReasonsLength} characters."));

    public static IRuleBuilderOptions<T, IReadOnlyList<string>?> AppealDocuments<T>(this IRuleBuilder<T, IReadOnlyList<string>?> rule) =>
        rule.Must(list => list is null || (list.Count <= MaxDocuments && list.All(item => !string.IsNullOrWhiteSpace(item) && item.Length <= MaxDocumentLength)))
            .WithMessage(_ => Localized.Text(
                $"Au plus {MaxDocuments} références de pièces, chacune non vide et de {MaxDocumentLength} caractères au plus.",
                $"At most {MaxDocuments} document references, each non-empty and at most {MaxDocumentLength} characters."));
}

internal sealed class FileAppealRequestValidator : AbstractValidator<FileAppealRequest>
{
    public FileAppealRequestValidator()
    {
        RuleFor(request => request.DecisionId).ContestedDecision();
        RuleFor(request => request.Reasons).AppealReasons();
        RuleFor(request => request.Documents).AppealDocuments();
    }
}

internal sealed class PaperAppealRequestValidator : AbstractValidator<PaperAppealRequest>
{
    public PaperAppealRequestValidator()
    {
        RuleFor(request => request.RecipientId)
            .Matches("^[A-Za-z0-9_-]{1,64}$")
            .WithMessage(_ => Localized.Text("Indiquez l'identifiant de l'allocataire.", "Give the recipient's id."));
        RuleFor(request => request.DecisionId).ContestedDecision();
        RuleFor(request => request.Reasons).AppealReasons();
        RuleFor(request => request.Documents).AppealDocuments();
        RuleFor(request => request.ReceivedOn)
            .Must(text => DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
            .WithMessage(_ => Localized.Text(
                "La date de réception du courrier est obligatoire et s'écrit AAAA-MM-JJ.", "The date the letter was received is required, as YYYY-MM-DD."));
    }
}

internal sealed class CommissionOpinionRequestValidator : AbstractValidator<CommissionOpinionRequest>
{
    public CommissionOpinionRequestValidator() =>
        RuleFor(request => request.Opinion)
            .Must(text => !string.IsNullOrWhiteSpace(text) && text.Length <= AppealText.MaxReasonsLength)
            .WithMessage(_ => Localized.Text(
                $"L'avis de la commission est obligatoire ({AppealText.MaxReasonsLength} caractères au plus).",
                $"The commission's opinion is required ({AppealText.MaxReasonsLength} characters at most)."));
}

internal sealed class DecideAppealRequestValidator : AbstractValidator<DecideAppealRequest>
{
    public DecideAppealRequestValidator()
    {
        RuleFor(request => request.Outcome)
            .Must(AppealOutcome.IsKnown)
            .WithMessage(_ => Localized.Text(
                "L'issue est « confirmed » (décision confirmée), « reduced » (sanction réduite) ou « annulled » (décision annulée).",
                "The outcome is 'confirmed', 'reduced' or 'annulled'."));
        RuleFor(request => request)
            .Must(request => request.Outcome != AppealOutcome.Reduced || request.Percent is not null || request.Months is not null)
            .OverridePropertyName("percent")
            .WithMessage(_ => Localized.Text(
                "Une réduction donne la nouvelle part (percent), la nouvelle durée (months), ou les deux.",
                "A reduction gives the new share (percent), the new length (months), or both."));
        RuleFor(request => request.Reason)
            .Must(text => !string.IsNullOrWhiteSpace(text))
            .WithMessage(_ => Localized.Text(
                "Un motif écrit est obligatoire : la décision sur le recours doit être motivée.", "A written reason is required: the decision on the appeal states its reasons."))
            .Must(text => text is null || text.Length <= AppealText.MaxReasonsLength)
            .WithMessage(_ => Localized.Text($"Le motif fait au plus {AppealText.MaxReasonsLength} caractères.", $"The reason is at most {AppealText.MaxReasonsLength} characters."));
    }
}

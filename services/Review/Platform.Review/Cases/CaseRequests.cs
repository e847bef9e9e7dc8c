using Platform.Rules.Calendar;
using FluentValidation;
using Platform.ServiceDefaults.Problems;

namespace Platform.Review.Cases;

/// <summary>Dismiss, approve and reject bodies: a written reason, always.</summary>
public sealed record ReasonRequest(string? Reason);

public sealed record ResolveRequest(string? SupportAction, string? Reason);

public sealed record SanctionProposalRequest(int? Percent, int? Months, string? StartMonth, string? Reason, AssessmentRequest? Assessment = null);

/// <summary>The proportionality assessment (CASF R262-68-5), one written answer per item.</summary>
public sealed record AssessmentRequest(string? Vulnerability, string? Dependants, string? NatureAndFrequency, string? Consequences);

internal static class WrittenText
{
    public const int MaxReasonLength = 2000;

    public static IRuleBuilderOptions<T, string?> WrittenReason<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(text => !string.IsNullOrWhiteSpace(text))
            .WithMessage(_ => Localized.Text(
                "Un motif écrit est obligatoire : expliquez votre décision en quelques mots.",
                "A written reason is required: explain your decision in a few words."))
            .Must(text => text is null || text.Length <= MaxReasonLength)
            .WithMessage(_ => Localized.Text(
                $"Le motif fait au plus {MaxReasonLength} caractères.", $"The reason is at most {MaxReasonLength} characters."));
}

internal sealed class ReasonRequestValidator : AbstractValidator<ReasonRequest>
{
    public ReasonRequestValidator() => RuleFor(request => request.Reason).WrittenReason();
}

internal sealed class ResolveRequestValidator : AbstractValidator<ResolveRequest>
{
    public const int MaxSupportActionLength = 500;

    public ResolveRequestValidator()
    {
        RuleFor(request => request.SupportAction)
            .Must(text => !string.IsNullOrWhiteSpace(text))
            .WithMessage(_ => Localized.Text(
                "Indiquez l'action d'accompagnement proposée (par exemple un atelier, un rendez-vous, une aide à la garde d'enfant).",
                "State the support action offered (e.g. a workshop, an appointment, help with childcare)."))
            .Must(text => text is null || text.Length <= MaxSupportActionLength)
            .WithMessage(_ => Localized.Text(
                $"L'action d'accompagnement fait au plus {MaxSupportActionLength} caractères.",
                $"The support action is at most {MaxSupportActionLength} characters."));
        RuleFor(request => request.Reason).WrittenReason();
    }
}

/// <summary>The shape of a proposal; the legal bounds (which depend on the household and past decisions) come after.</summary>
internal sealed class SanctionProposalRequestValidator : AbstractValidator<SanctionProposalRequest>
{
    public SanctionProposalRequestValidator()
    {
        RuleFor(request => request.Percent)
            .NotNull()
            .WithMessage(_ => Localized.Text("Le pourcentage de suspension est obligatoire (30 à 100).", "The suspension percent is required (30 to 100)."));
        RuleFor(request => request.Months)
            .NotNull()
            .WithMessage(_ => Localized.Text("La durée en mois est obligatoire (1 à 4).", "The duration in months is required (1 to 4)."));
        RuleFor(request => request.StartMonth)
            .Must(month => Months.TryParse(month, out _))
            .WithMessage(_ => Localized.Text(
                "Le mois de début est obligatoire et s'écrit AAAA-MM, par exemple 2027-01.",
                "The start month is required and is written YYYY-MM, e.g. 2027-01."));
        RuleFor(request => request.Reason).WrittenReason();
        Answered(request => request.Assessment == null ? null : request.Assessment.Vulnerability, "Vulnerability",
            "la situation de la personne (vulnérabilités, santé, handicap) prise en compte", "the person's situation considered (vulnerabilities, health, disability)");
        Answered(request => request.Assessment == null ? null : request.Assessment.Dependants, "Dependants",
            "les enfants et autres personnes à charge du foyer", "the children and other dependants in the household");
        Answered(request => request.Assessment == null ? null : request.Assessment.NatureAndFrequency, "NatureAndFrequency",
            "la nature et la fréquence des manquements", "the nature and frequency of the breaches");
        Answered(request => request.Assessment == null ? null : request.Assessment.Consequences, "Consequences",
            "les conséquences de la sanction pour le foyer", "the consequences of the sanction for the household");
    }

    /// <summary>Each item of the assessment answered in writing: the 422 names the item left blank.</summary>
    private void Answered(System.Linq.Expressions.Expression<Func<SanctionProposalRequest, string?>> item, string name, string french, string english) =>
        RuleFor(item)
            .Must(text => !string.IsNullOrWhiteSpace(text))
            .WithMessage(_ => Localized.Text(
                $"Évaluation (CASF R262-68-5) : décrivez {french}.", $"Assessment (CASF R262-68-5): describe {english}."))
            .Must(text => text is null || text.Length <= WrittenText.MaxReasonLength)
            .WithMessage(_ => Localized.Text(
                $"Chaque réponse de l'évaluation fait au plus {WrittenText.MaxReasonLength} caractères.",
                $"Each answer of the assessment is at most {WrittenText.MaxReasonLength} characters."))
            .OverridePropertyName("Assessment." + name);
}

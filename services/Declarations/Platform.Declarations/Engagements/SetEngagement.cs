using FluentValidation;
using Platform.Rules.Calendar;
using Platform.ServiceDefaults.Problems;

namespace Platform.Declarations.Engagements;

/// <summary>
/// PUT body. The reason for reduced hours (health, disability, a lone parent without childcare...) is deliberately
/// absent: it is sensitive, and no rule may ever see it.
/// </summary>
public sealed record SetEngagementRequest(decimal? HoursPerWeek, string? FromWeek)
{
    /// <summary>The contrat d'engagement's default weekly commitment (loi plein emploi, 2023).</summary>
    public const decimal DefaultHoursPerWeek = 15;
}

public sealed record SetEngagementCommand(string RecipientId, decimal HoursPerWeek, string? FromWeek);

internal sealed class SetEngagementValidator : AbstractValidator<SetEngagementCommand>
{
    public SetEngagementValidator()
    {
        RuleFor(command => command.RecipientId)
            .Must(RecipientIds.IsValid)
            .WithMessage(_ => Localized.Text(
                "L'identifiant de l'allocataire ne peut contenir que des lettres, chiffres, « - » et « _ » (64 au plus).",
                "The recipient id may only hold letters, digits, '-' and '_' (64 at most)."));
        RuleFor(command => command.HoursPerWeek)
            .InclusiveBetween(0, 35)
            .WithMessage(command => Localized.Text(
                $"Le nombre d'heures hebdomadaires doit être compris entre 0 et 35 (reçu : {command.HoursPerWeek}).",
                $"Weekly hours must be between 0 and 35 (got {command.HoursPerWeek})."))
            .Must(hours => decimal.Round(hours, 1) == hours)
            .WithMessage(_ => Localized.Text(
                "Le nombre d'heures hebdomadaires s'exprime avec au plus une décimale (par exemple 7,5).",
                "Weekly hours take at most one decimal (e.g. 7.5)."));
        RuleFor(command => command.FromWeek)
            .Must(week => IsoWeek.TryParse(week, out _))
            .WithMessage(_ => Localized.Text(
                "La semaine de départ est obligatoire et s'écrit AAAA-Www, par exemple 2026-W48.",
                "The starting week is required and is written YYYY-Www, e.g. 2026-W48."));
    }
}

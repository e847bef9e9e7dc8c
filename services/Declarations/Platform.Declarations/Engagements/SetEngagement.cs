using FluentValidation;
using Platform.Contracts.Declarations;
using Platform.Rules.Calendar;
using Platform.ServiceDefaults.Departements;
using Platform.ServiceDefaults.Problems;

namespace Platform.Declarations.Engagements;

/// <summary>
/// PUT body. The hours are always stated: there is no default, because an obligation not written in the contract cannot
/// be sanctioned (loi n° 2023-1196). Under <see cref="StandardHoursPerWeek"/> hours, the reason is required; it is
/// sensitive, stays in this service and is never sent to the rules (<c>EngagementSet</c> carries the hours only).
/// </summary>
/// <param name="ReductionReason">One of <see cref="EngagementReductionReasons.All"/>, required under 15 hours.</param>
/// <param name="Departement">
/// The INSEE code of the recipient's département (<c>75</c>, <c>2A</c>, <c>971</c>...), which places a new recipient there.
/// It may be left out when the counsellor works for one département only (theirs is taken), and for a recipient
/// already placed (a change of département is a transfer).
/// </param>
public sealed record SetEngagementRequest(decimal? HoursPerWeek, string? FromWeek, string? ReductionReason = null, string? Departement = null)
{
    /// <summary>The contrat d'engagement's weekly commitment unless adapted (code du travail, art. L5411-6-1).</summary>
    public const decimal StandardHoursPerWeek = 15;
}

public sealed record SetEngagementCommand(
    string RecipientId, decimal? HoursPerWeek, string? FromWeek, string? ReductionReason = null, string? Departement = null);

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
            .NotNull()
            .WithMessage(_ => Localized.Text(
                "Indiquez les heures hebdomadaires du contrat d'engagement (0 à 35) : elles ne sont jamais supposées.",
                "State the engagement's weekly hours (0 to 35): they are never assumed."))
            .InclusiveBetween(0, 35)
            .WithMessage(command => Localized.Text(
                $"Le nombre d'heures hebdomadaires doit être compris entre 0 et 35 (reçu : {command.HoursPerWeek}).",
                $"Weekly hours must be between 0 and 35 (got {command.HoursPerWeek})."))
            .Must(hours => hours is null || decimal.Round(hours.Value, 1) == hours)
            .WithMessage(_ => Localized.Text(
                "Le nombre d'heures hebdomadaires s'exprime avec au plus une décimale (par exemple 7,5).",
                "Weekly hours take at most one decimal (e.g. 7.5)."));
        RuleFor(command => command.ReductionReason)
            .Must(reason => reason is not null && EngagementReductionReasons.All.Contains(reason))
            .When(command => command.HoursPerWeek < SetEngagementRequest.StandardHoursPerWeek)
            .WithMessage(command => Localized.Text(
                $"Sous 15 heures par semaine, indiquez la raison de l'adaptation ({string.Join(", ", EngagementReductionReasons.All)}) ; reçu : « {command.ReductionReason} ».",
                $"Under 15 hours a week, state the reason for the adaptation ({string.Join(", ", EngagementReductionReasons.All)}); got '{command.ReductionReason}'."));
        RuleFor(command => command.ReductionReason)
            .Null()
            .When(command => command.HoursPerWeek >= SetEngagementRequest.StandardHoursPerWeek)
            .WithMessage(_ => Localized.Text(
                "Une raison d'adaptation n'a de sens que sous 15 heures par semaine.",
                "A reason for adaptation only applies under 15 hours a week."));
        RuleFor(command => command.Departement)
            .Must(DepartementCodes.IsValid)
            .When(command => command.Departement is not null)
            .WithMessage(command => Localized.Text(
                $"Le département s'écrit avec son code INSEE : 01 à 95, 2A, 2B, 971 à 976 (reçu : « {command.Departement} »).",
                $"The département is written as its INSEE code: 01 to 95, 2A, 2B, 971 to 976 (got '{command.Departement}')."));
        RuleFor(command => command.FromWeek)
            .Must(week => IsoWeek.TryParse(week, out _))
            .WithMessage(_ => Localized.Text(
                "La semaine de départ est obligatoire et s'écrit AAAA-Www, par exemple 2026-W48.",
                "The starting week is required and is written YYYY-Www, e.g. 2026-W48."));
    }
}

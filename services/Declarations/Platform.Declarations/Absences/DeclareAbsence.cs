using FluentValidation;
using Platform.Contracts.Declarations;
using Platform.Rules.Calendar;
using Platform.ServiceDefaults.Problems;

namespace Platform.Declarations.Absences;

/// <summary>
/// POST body: a justified absence over whole ISO weeks, from <see cref="FromWeek"/> to <see cref="ToWeek"/> inclusive.
/// Weeks, not days, because the obligation it excuses is weekly: a week is covered or it is not.
/// </summary>
/// <param name="Kind">One of <see cref="AbsenceKinds.All"/>.</param>
/// <param name="Details">The person's own words; shown to them and to counsellors, never sent to another service.</param>
/// <param name="DocumentReference">An optional reference to a supporting document (a certificate's number, a file name).</param>
public sealed record DeclareAbsenceRequest(string? FromWeek, string? ToWeek, string? Kind, string? Details, string? DocumentReference);

/// <summary>POST body of a counsellor's decision on an absence.</summary>
public sealed record AbsenceDecisionRequest(string? Reason);

internal sealed class DeclareAbsenceValidator : AbstractValidator<DeclareAbsenceRequest>
{
    /// <summary>How far ahead an absence may be declared: a planned hospitalisation, not a standing exemption.</summary>
    public const int MonthsAhead = 3;

    /// <summary>The longest period one declaration covers; a longer one is an engagement to adapt, not an absence.</summary>
    public const int MaxWeeks = 26;

    public const int MaxDetailsLength = 2000;

    public const int MaxDocumentReferenceLength = 200;

    public DeclareAbsenceValidator(TimeProvider time)
    {
        RuleFor(request => request.FromWeek)
            .Must(week => IsoWeek.TryParse(week, out _))
            .WithMessage(request => NotAWeek(request.FromWeek, "La première semaine", "The first week"));
        RuleFor(request => request.ToWeek)
            .Must(week => IsoWeek.TryParse(week, out _))
            .WithMessage(request => NotAWeek(request.ToWeek, "La dernière semaine", "The last week"))
            .DependentRules(() =>
            {
                RuleFor(request => request.ToWeek)
                    .Must((request, to) => !IsoWeek.TryParse(request.FromWeek, out var from) || IsoWeek.Parse(to!) >= from)
                    .WithMessage(request => Localized.Text(
                        $"La dernière semaine ({request.ToWeek}) précède la première ({request.FromWeek}).",
                        $"The last week ({request.ToWeek}) comes before the first ({request.FromWeek})."))
                    .Must((request, to) => !IsoWeek.TryParse(request.FromWeek, out var from) || from.WeeksUntil(IsoWeek.Parse(to!)) < MaxWeeks)
                    .WithMessage(_ => Localized.Text(
                        $"Une absence couvre au plus {MaxWeeks} semaines : au-delà, c'est l'engagement qu'il faut adapter avec votre conseiller.",
                        $"An absence covers at most {MaxWeeks} weeks: beyond that, it is the engagement to adapt with your counsellor."))
                    .Must(to => IsoWeek.Parse(to!).Monday <= LatestMonday(time))
                    .WithMessage(request => Localized.Text(
                        $"La semaine {request.ToWeek} est à plus de {MonthsAhead} mois : déclarez une absence prévue au plus {MonthsAhead} mois à l'avance.",
                        $"Week {request.ToWeek} is more than {MonthsAhead} months ahead: declare a planned absence at most {MonthsAhead} months in advance."));
            });
        RuleFor(request => request.Kind)
            .Must(kind => kind is not null && AbsenceKinds.All.Contains(kind))
            .WithMessage(request => Localized.Text(
                $"Motif inconnu « {request.Kind} ». Motifs possibles : {string.Join(", ", AbsenceKinds.All)}.",
                $"Unknown kind '{request.Kind}'. Possible kinds: {string.Join(", ", AbsenceKinds.All)}."));
        RuleFor(request => request.Details)
            .Must(details => !string.IsNullOrWhiteSpace(details))
            .WithMessage(_ => Localized.Text(
                "Expliquez en quelques mots ce qui vous a empêché (le texte est obligatoire).",
                "Say in a few words what prevented you (the text is required)."))
            .MaximumLength(MaxDetailsLength)
            .WithMessage(_ => Localized.Text(
                $"Le texte fait au plus {MaxDetailsLength} caractères.", $"The text is at most {MaxDetailsLength} characters long."));
        RuleFor(request => request.DocumentReference)
            .Must(reference => reference is null || (reference.Trim().Length is > 0 and <= MaxDocumentReferenceLength && !reference.Any(char.IsControl)))
            .WithMessage(_ => Localized.Text(
                $"La référence du justificatif fait de 1 à {MaxDocumentReferenceLength} caractères, sans retour à la ligne.",
                $"The document reference is 1 to {MaxDocumentReferenceLength} characters long, without line breaks."));
    }

    /// <summary>The Monday of the last week that may be declared: today plus <see cref="MonthsAhead"/> months.</summary>
    public static DateOnly LatestMonday(TimeProvider time) => DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime).AddMonths(MonthsAhead);

    private static string NotAWeek(string? text, string french, string english) => Localized.Text(
        $"{french} est obligatoire et s'écrit AAAA-Www, par exemple 2026-W48 (reçu : « {text} »).",
        $"{english} is required and is written YYYY-Www, e.g. 2026-W48 (got '{text}').");
}

internal sealed class AbsenceDecisionValidator : AbstractValidator<AbsenceDecisionRequest>
{
    public const int MaxReasonLength = 2000;

    public AbsenceDecisionValidator()
    {
        RuleFor(request => request.Reason)
            .Must(reason => !string.IsNullOrWhiteSpace(reason))
            .WithMessage(_ => Localized.Text(
                "Donnez la raison de votre décision : la personne la lira.", "Give the reason for your decision: the person will read it."))
            .MaximumLength(MaxReasonLength)
            .WithMessage(_ => Localized.Text(
                $"La raison fait au plus {MaxReasonLength} caractères.", $"The reason is at most {MaxReasonLength} characters long."));
    }
}

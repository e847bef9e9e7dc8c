using System.Globalization;
using FluentValidation;
using Platform.Contracts.Declarations;
using Platform.Rules.Calendar;
using Platform.ServiceDefaults.Problems;

namespace Platform.Declarations.Weeks;

/// <summary>PUT body: the week's activities. An empty list is a valid declaration: "nothing this week".</summary>
public sealed record DeclarationRequest(IReadOnlyList<ActivityRequest>? Activities);

/// <param name="Date">A day of the declared week, written <c>YYYY-MM-DD</c>.</param>
/// <param name="ShareWithCounsellor">For a health activity (a care appointment): true to show it to counsellors as it is;
/// otherwise they see a "personal appointment" with its hours and no note. Ignored for other categories.</param>
public sealed record ActivityRequest(string? Category, string? Date, decimal? Hours, string? Note, bool? ShareWithCounsellor = null);

public sealed record DeclarationSubmission(string Week, IReadOnlyList<ActivityRequest>? Activities);

/// <summary>
/// The rules of a declaration (docs/api.md), each with a message a recipient can act on. Every rule is checked, so one answer lists
/// everything to correct.
/// </summary>
internal sealed class DeclarationSubmissionValidator : AbstractValidator<DeclarationSubmission>
{
    public const int MaxActivities = 100;
    public const int MaxNoteLength = 500;
    public const decimal MaxHoursPerDay = 24;
    public const decimal MaxHoursPerWeek = 168;

    public DeclarationSubmissionValidator(TimeProvider time)
    {
        RuleFor(submission => submission.Week)
            .Must(week => IsoWeek.TryParse(week, out _))
            .WithMessage(submission => Localized.Text(
                $"« {submission.Week} » n'est pas une semaine : écrivez AAAA-Www, par exemple 2026-W48.",
                $"'{submission.Week}' is not a week: write YYYY-Www, e.g. 2026-W48."))
            .DependentRules(() => RuleFor(submission => IsoWeek.Parse(submission.Week))
                .Must(week => week <= WeekCalendar.WeekOf(time.GetUtcNow()).Next)
                .OverridePropertyName("week")
                .WithMessage(submission => Localized.Text(
                    $"La semaine {submission.Week} est plus d'une semaine dans le futur : déclarez-la quand elle aura commencé.",
                    $"Week {submission.Week} is more than one week ahead: declare it once it has begun.")));

        RuleFor(submission => submission.Activities)
            .NotNull()
            .WithMessage(_ => Localized.Text(
                "La liste « activities » est obligatoire (elle peut être vide si vous n'avez eu aucune activité).",
                "The 'activities' list is required (it may be empty if you had no activity)."))
            .Must(activities => activities is null || activities.Count <= MaxActivities)
            .WithMessage(_ => Localized.Text(
                $"Une semaine compte au plus {MaxActivities} activités : regroupez-les.",
                $"A week holds at most {MaxActivities} activities: group them."));

        RuleForEach(submission => submission.Activities).ChildRules(activity =>
        {
            activity.RuleFor(a => a.Category)
                .Must(category => category is not null && ActivityCategories.All.Contains(category))
                .WithMessage(a => Localized.Text(
                    $"Catégorie inconnue « {a.Category} ». Catégories possibles : {string.Join(", ", ActivityCategories.All)}.",
                    $"Unknown category '{a.Category}'. Possible categories: {string.Join(", ", ActivityCategories.All)}."));
            activity.RuleFor(a => a.Hours)
                .NotNull()
                .WithMessage(_ => Localized.Text("Indiquez le nombre d'heures.", "State the number of hours."))
                .GreaterThan(0)
                .WithMessage(a => Localized.Text(
                    $"Le nombre d'heures doit être supérieur à 0 (reçu : {a.Hours}).",
                    $"Hours must be more than 0 (got {a.Hours})."))
                .LessThanOrEqualTo(MaxHoursPerDay)
                .WithMessage(a => Localized.Text(
                    $"Une activité ne peut pas dépasser 24 heures dans une journée (reçu : {a.Hours}).",
                    $"An activity cannot exceed 24 hours in a day (got {a.Hours})."))
                .Must(hours => hours is null || decimal.Round(hours.Value, 2) == hours.Value)
                .WithMessage(_ => Localized.Text(
                    "Le nombre d'heures s'exprime avec au plus deux décimales (par exemple 1,25).",
                    "Hours take at most two decimals (e.g. 1.25)."));
            activity.RuleFor(a => a.Note)
                .MaximumLength(MaxNoteLength)
                .WithMessage(_ => Localized.Text(
                    $"La note fait au plus {MaxNoteLength} caractères.", $"The note is at most {MaxNoteLength} characters long."));
            activity.RuleFor(a => a.Date)
                .Must(date => ParseDate(date) is not null)
                .WithMessage(a => Localized.Text(
                    $"« {a.Date} » n'est pas une date : écrivez AAAA-MM-JJ, par exemple 2026-11-23.",
                    $"'{a.Date}' is not a date: write YYYY-MM-DD, e.g. 2026-11-23."));
        });

        RuleForEach(submission => submission.Activities)
            .Must((submission, activity) => !IsoWeek.TryParse(submission.Week, out var week)
                || ParseDate(activity.Date) is not { } date
                || week.Contains(date))
            .WithMessage((submission, activity) => OutsideWeek(submission.Week, activity.Date));

        RuleFor(submission => submission.Activities)
            .Custom((activities, context) => CheckTotals(activities, context))
            .When(submission => submission.Activities is not null);
    }

    public static DateOnly? ParseDate(string? text) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) ? date : null;

    private static string OutsideWeek(string weekText, string? date)
    {
        var week = IsoWeek.Parse(weekText);
        return Localized.Text(
            $"Le {date} n'est pas dans la semaine {weekText} (du {week.Monday:yyyy-MM-dd} au {week.Sunday:yyyy-MM-dd}).",
            $"{date} is not in week {weekText} (from {week.Monday:yyyy-MM-dd} to {week.Sunday:yyyy-MM-dd}).");
    }

    private static void CheckTotals(IReadOnlyList<ActivityRequest>? activities, ValidationContext<DeclarationSubmission> context)
    {
        var valid = activities!
            .Select(activity => (activity.Category, Date: ParseDate(activity.Date), Hours: activity.Hours ?? 0))
            .Where(activity => activity.Date is not null && activity.Hours > 0)
            .ToList();

        foreach (var duplicate in valid.GroupBy(activity => (activity.Category, activity.Date)).Where(group => group.Count() > 1))
        {
            context.AddFailure("activities", Localized.Text(
                $"L'activité « {duplicate.Key.Category} » apparaît {duplicate.Count()} fois le {duplicate.Key.Date:yyyy-MM-dd} : regroupez-la en une seule ligne.",
                $"Activity '{duplicate.Key.Category}' appears {duplicate.Count()} times on {duplicate.Key.Date:yyyy-MM-dd}: group it on one line."));
        }

        foreach (var day in valid.GroupBy(activity => activity.Date).Where(day => day.Sum(activity => activity.Hours) > MaxHoursPerDay))
        {
            context.AddFailure("activities", Localized.Text(
                $"Le {day.Key:yyyy-MM-dd} totalise {day.Sum(a => a.Hours)} h : une journée ne peut pas dépasser 24 h.",
                $"{day.Key:yyyy-MM-dd} adds up to {day.Sum(a => a.Hours)} h: a day cannot exceed 24 h."));
        }

        var total = valid.Sum(activity => activity.Hours);
        if (total > MaxHoursPerWeek)
        {
            context.AddFailure("activities", Localized.Text(
                $"La semaine totalise {total} h : elle ne peut pas dépasser 168 h.",
                $"The week adds up to {total} h: it cannot exceed 168 h."));
        }
    }
}

using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Platform.Contracts.Declarations;
using Platform.Rules.Calendar;
using Platform.Web.Api;
using Platform.Web.Api.Declarations;

namespace Platform.Web.Pages.Recipient;

/// <summary>One row of the declaration form, as typed (parsed here with the invariant culture, whatever the page's language).</summary>
public sealed class ActivityRow
{
    public string? Category { get; set; }

    public string? Date { get; set; }

    public string? Hours { get; set; }

    public string? Note { get; set; }

    /// <summary>For a health activity: the person chose to show it to counsellors as it is (otherwise they see a personal appointment).</summary>
    public bool Share { get; set; }
}

/// <summary>
/// Declares (or amends) a week. Rows are added and removed by submit buttons, so the form works without JavaScript;
/// the declarations service checks everything and its messages are shown as they come.
/// </summary>
public sealed class WeekModel(PlatformApi api, TimeProvider time) : PlatformPage(api)
{
    public const int MaxRows = 40;

    [BindProperty(SupportsGet = true)]
    public string? Week { get; set; }

    [BindProperty]
    public List<ActivityRow> Rows { get; set; } = [];

    [BindProperty]
    public string? Command { get; set; }

    public IsoWeek Current { get; private set; }

    public DeclarationWithVersions? Existing { get; private set; }

    public DateTimeOffset Deadline => WeekCalendar.DeadlineOf(Current);

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (!ResolveWeek())
        {
            return Redirect("/recipient/week");
        }

        var result = await Api.Declarations(declarations => declarations.GetDeclarationAsync(Subject, Current.ToString(), cancellationToken));
        if (result.Succeeded)
        {
            Existing = result.Value;
            Rows = Existing!.Activities.Select(activity => new ActivityRow
            {
                Category = activity.Category,
                Date = activity.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                Hours = activity.Hours.ToString("0.##", CultureInfo.InvariantCulture),
                Note = activity.Note,
                Share = activity.SharedWithCounsellor == true,
            }).ToList();
        }
        else if (result.Problem!.Status != 404)
        {
            Problem = result.Problem;
        }

        if (Rows.Count == 0)
        {
            Rows.Add(new ActivityRow { Date = Current.Monday.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) });
        }

        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (!ResolveWeek())
        {
            return Redirect("/recipient/week");
        }

        ModelState.Clear();
        if (Command == "add")
        {
            if (Rows.Count < MaxRows)
            {
                Rows.Add(new ActivityRow { Date = Rows.LastOrDefault()?.Date ?? Current.Monday.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) });
            }

            return Page();
        }

        if (Command?.StartsWith("remove:", StringComparison.Ordinal) == true
            && int.TryParse(Command["remove:".Length..], NumberStyles.None, CultureInfo.InvariantCulture, out var index)
            && index >= 0 && index < Rows.Count)
        {
            Rows.RemoveAt(index);
            return Page();
        }

        var activities = new List<ActivityRequest>();
        var errors = new List<string>();
        for (var row = 0; row < Rows.Count; row++)
        {
            var input = Rows[row];
            if (string.IsNullOrWhiteSpace(input.Category) && string.IsNullOrWhiteSpace(input.Hours) && string.IsNullOrWhiteSpace(input.Note))
            {
                continue; // An untouched row is not an activity.
            }

            if (!decimal.TryParse(input.Hours?.Replace(',', '.'), NumberStyles.Number, CultureInfo.InvariantCulture, out var hours))
            {
                errors.Add(Labels.T($"Ligne {row + 1} : indiquez le nombre d'heures (par exemple 3 ou 2,5).", $"Row {row + 1}: enter the number of hours (e.g. 3 or 2.5)."));
                continue;
            }

            activities.Add(new ActivityRequest
            {
                Category = input.Category, Date = input.Date, Hours = hours, Note = string.IsNullOrWhiteSpace(input.Note) ? null : input.Note.Trim(),
                ShareWithCounsellor = ActivityCategories.RevealingHealth.Contains(input.Category ?? "") ? input.Share : null,
            });
        }

        if (errors.Count > 0)
        {
            Problem = new ApiProblem(422, null, Labels.T("La déclaration n'a pas été envoyée", "The declaration was not sent"), null,
                new Dictionary<string, string[]> { ["rows"] = [.. errors] });
            return Page();
        }

        var result = await Api.Declarations(declarations =>
            declarations.SubmitDeclarationAsync(Subject, Current.ToString(), null, new DeclarationRequest { Activities = activities }, cancellationToken));
        if (!result.Succeeded)
        {
            Problem = result.Problem;
            return Page();
        }

        var saved = result.Value!;
        var late = saved.Late ? Labels.T(" Elle est arrivée après la date limite et est marquée en retard.", " It arrived after the deadline and is marked late.") : "";
        return Done(
            Labels.T($"Votre déclaration de la semaine {saved.Week} est enregistrée (version {saved.Version}, {Labels.Hours(saved.TotalHours)}).{late}",
                     $"Your declaration for week {saved.Week} is saved (version {saved.Version}, {Labels.Hours(saved.TotalHours)}).{late}"),
            $"/recipient/history/{saved.Week}");
    }

    private bool ResolveWeek()
    {
        if (string.IsNullOrEmpty(Week))
        {
            Current = WeekCalendar.WeekOf(time.GetUtcNow());
            return true;
        }

        if (!IsoWeek.TryParse(Week, out var parsed))
        {
            return false;
        }

        Current = parsed;
        return true;
    }
}

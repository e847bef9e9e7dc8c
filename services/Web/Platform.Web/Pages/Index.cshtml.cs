using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Platform.ServiceDefaults.Auth;

namespace Platform.Web.Pages;

/// <summary>Home: each signed-in person lands on their own first page.</summary>
public sealed class IndexModel : PageModel
{
    public IActionResult OnGet()
    {
        if (User.IsInRole(Roles.Recipient))
        {
            return Redirect("/recipient/week");
        }

        if (User.IsInRole(Roles.Supervisor))
        {
            return Redirect("/review/proposals");
        }

        if (User.IsInRole(Roles.Counsellor))
        {
            return Redirect("/review/queue");
        }

        return User.IsInRole(Roles.Auditor) ? Redirect("/audit/verification") : Page();
    }
}

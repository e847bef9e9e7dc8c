using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Platform.Web.Hosting;

namespace Platform.Web.Pages;

/// <summary>The language switch: a plain link (no script) that remembers the choice in a cookie for a year.</summary>
public sealed class LanguageModel : PageModel
{
    public IActionResult OnGet(string? culture, string? returnUrl)
    {
        var chosen = WebFrontSetup.Cultures.FirstOrDefault(candidate => candidate.Name == culture) ?? WebFrontSetup.Cultures[0];
        Response.Cookies.Append(
            WebFrontSetup.CultureCookie,
            CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(chosen)),
            new CookieOptions { Expires = DateTimeOffset.UtcNow.AddYears(1), IsEssential = true, HttpOnly = true, SameSite = SameSiteMode.Lax });
        return LocalRedirect(Url.IsLocalUrl(returnUrl) ? returnUrl! : "/");
    }
}

using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Platform.Web.Hosting;

namespace Platform.Web.Pages;

public sealed class SignOutModel : PageModel
{
    public IActionResult OnGet() => Redirect("/");

    /// <summary>Ends the session here and at the provider that signed the person in, then back to the sign-in page.</summary>
    public async Task<IActionResult> OnPostAsync()
    {
        var session = await HttpContext.AuthenticateAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        var properties = new AuthenticationProperties { RedirectUri = "/sign-in" };
        return session.Properties?.Items.TryGetValue(WebFrontSetup.ProviderItem, out var provider) == true && provider is not null
            ? SignOut(properties, CookieAuthenticationDefaults.AuthenticationScheme, provider)
            : SignOut(properties, CookieAuthenticationDefaults.AuthenticationScheme);
    }
}

using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using Platform.Web.SignIn;

namespace Platform.Web.Pages;

public sealed class SignInModel(IOptions<SignInOptions> options, IConfiguration configuration) : PageModel
{
    public bool LocalDevelopment => options.Value.LocalDevelopment;

    public IReadOnlyList<string> Providers { get; } =
        configuration.GetSection(SignInOptions.Section).GetSection("OpenIdConnect").GetChildren().Select(provider => provider.Key).ToList();

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public void OnGet()
    {
    }

    /// <summary>To the provider's sign-in (authorization code with PKCE), then back to where the person was going.</summary>
    public IActionResult OnPostProvider(string provider) =>
        Providers.Contains(provider)
            ? Challenge(new AuthenticationProperties { RedirectUri = Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : "/" }, provider)
            : NotFound();
}

using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using Platform.ServiceDefaults.Auth;
using Platform.Web.SignIn;

namespace Platform.Web.Pages;

public sealed class SignInModel(IOptions<SignInOptions> options, DevTokenMinter minter, IConfiguration configuration) : PageModel
{
    public bool LocalDevelopment => options.Value.LocalDevelopment;

    public IReadOnlyList<string> Providers { get; } =
        configuration.GetSection(SignInOptions.Section).GetSection("OpenIdConnect").GetChildren().Select(provider => provider.Key).ToList();

    [BindProperty]
    public string Role { get; set; } = Roles.Recipient;

    [BindProperty]
    public string Subject { get; set; } = "";

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public string? Error { get; private set; }

    public void OnGet()
    {
    }

    /// <summary>Local development only: mints a token as deploy/local/token.sh would and keeps it in the encrypted cookie.</summary>
    public async Task<IActionResult> OnPostLocalAsync()
    {
        if (!LocalDevelopment)
        {
            return NotFound();
        }

        Subject = Subject.Trim();
        if (!DevTokenMinter.IsRole(Role) || Subject.Length is 0 or > 64)
        {
            Error = Labels.T("Choisissez un rôle et saisissez un identifiant (64 caractères au plus).", "Choose a role and enter an identifier (64 characters at most).");
            return Page();
        }

        var token = minter.Mint(Role, Subject);
        var identity = new ClaimsIdentity([new Claim("sub", Subject), new Claim("role", Role)], "local", "sub", "role");
        var properties = new AuthenticationProperties();
        properties.StoreTokens([new AuthenticationToken { Name = "access_token", Value = token }]);
        await HttpContext.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, new ClaimsPrincipal(identity), properties);
        return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl! : "/");
    }

    public IActionResult OnPostProvider(string provider) =>
        Providers.Contains(provider)
            ? Challenge(new AuthenticationProperties { RedirectUri = Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : "/" }, provider)
            : NotFound();
}

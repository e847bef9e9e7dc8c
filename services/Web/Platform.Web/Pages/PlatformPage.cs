using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Platform.ServiceDefaults.Auth;
using Platform.Web.Api;

namespace Platform.Web.Pages;

/// <summary>What every page shares: the API as the signed-in person, and the problem to show when a call failed.</summary>
public abstract class PlatformPage(PlatformApi api) : PageModel
{
    protected PlatformApi Api { get; } = api;

    public ApiProblem? Problem { get; protected set; }

    public string Subject => User.FindFirst(PlatformClaims.Subject)?.Value ?? "";

    /// <summary>Post/redirect/get: the next page shows <paramref name="notice"/> once.</summary>
    protected RedirectResult Done(string notice, string url)
    {
        TempData["Notice"] = notice;
        return Redirect(url);
    }

    /// <summary>The value of a call, or null with <see cref="Problem"/> set to what went wrong.</summary>
    protected T? Read<T>(ApiResult<T> result)
    {
        if (!result.Succeeded)
        {
            Problem ??= result.Problem;
        }

        return result.Value;
    }
}

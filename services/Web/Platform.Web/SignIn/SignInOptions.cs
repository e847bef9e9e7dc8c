namespace Platform.Web.SignIn;

/// <summary>
/// How people sign in. <see cref="LocalDevelopment"/> shows the local-only page that mints a token with the
/// development signing key (never in production); providers under <c>SignIn:OpenIdConnect:{Name}</c> are offered
/// as buttons.
/// </summary>
public sealed class SignInOptions
{
    public const string Section = "SignIn";

    public bool LocalDevelopment { get; set; }
}

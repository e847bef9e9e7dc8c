namespace Platform.Web.SignIn;

/// <summary>
/// How people sign in: one OpenID Connect provider per child of <c>SignIn:OpenIdConnect</c> (FranceConnect for
/// recipients and ProConnect for agents in production; locally one provider, services/Identity, plays both), each
/// offered as a button. <see cref="LocalDevelopment"/> marks the page as local-only.
/// </summary>
public sealed class SignInOptions
{
    public const string Section = "SignIn";

    public bool LocalDevelopment { get; set; }
}

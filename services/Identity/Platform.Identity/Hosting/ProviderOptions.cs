using System.ComponentModel.DataAnnotations;

namespace Platform.Identity.Hosting;

/// <summary>
/// The local provider's settings: who may ask it for tokens, for which APIs, and for how long tokens and keys live.
/// </summary>
public sealed class ProviderOptions
{
    public const string Section = "Provider";

    /// <summary>
    /// The issuer written in tokens and the discovery document. Empty: the address the request came to, which is
    /// what a provider on a developer's machine wants (tests start it on a free port).
    /// </summary>
    public Uri? Issuer { get; set; }

    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00")]
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromHours(1);

    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00")]
    public TimeSpan IdentityTokenLifetime { get; set; } = TimeSpan.FromHours(1);

    [Range(typeof(TimeSpan), "00:00:30", "00:10:00")]
    public TimeSpan AuthorizationCodeLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>A signing key older than this is replaced by a new one when the provider starts.</summary>
    [Range(typeof(TimeSpan), "01:00:00", "365.00:00:00")]
    public TimeSpan SigningKeyRotation { get; set; } = TimeSpan.FromDays(30);

    /// <summary>The people's roles the sign-in page offers (the role claim of the tokens).</summary>
    [MinLength(1)]
    public List<string> Roles { get; set; } = [];

    /// <summary>Roles of machines (the payer), which the development grant also hands out; the sign-in page does not offer them.</summary>
    public List<string> MachineRoles { get; set; } = [];

    /// <summary>The APIs tokens are issued for: each is a scope a client asks for and the audience of the token.</summary>
    [MinLength(1)]
    public List<string> Apis { get; set; } = [];

    /// <summary>The clients, by client id.</summary>
    public Dictionary<string, ProviderClient> Clients { get; set; } = [];
}

/// <summary>
/// A client of the provider. With <see cref="RedirectUris"/> it signs people in with the authorization code flow and
/// PKCE (the web front); with a <see cref="Role"/> it is a machine that obtains tokens for itself with its secret
/// (client credentials: the payer's export).
/// </summary>
public sealed class ProviderClient
{
    public string? Secret { get; set; }

    public string? DisplayName { get; set; }

    public List<Uri> RedirectUris { get; set; } = [];

    public List<Uri> PostLogoutRedirectUris { get; set; } = [];

    /// <summary>The role of a machine client's own tokens (client credentials).</summary>
    public string? Role { get; set; }

    /// <summary>The APIs this client may ask tokens for; empty: all of them.</summary>
    public List<string> Apis { get; set; } = [];

    /// <summary>A local tool (deploy/local/token.sh, the tests) that uses the development grant, in Development only.</summary>
    public bool Development { get; set; }
}

using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Platform.ServiceDefaults.Departements;
using Platform.ServiceDefaults.Problems;

namespace Platform.ServiceDefaults.Auth;

/// <summary>
/// The named authorization policies every service sets on its route groups, by who may call them. An endpoint with
/// no explicit rule (neither a policy nor <c>AllowAnonymous</c>) is refused by the fallback policy: forgetting to
/// protect a route closes it instead of opening it.
/// </summary>
public static class Policies
{
    public const string Recipient = "recipient";
    public const string Counsellor = "counsellor";
    public const string Supervisor = "supervisor";
    public const string Auditor = "auditor";
    public const string Payer = "payer";

    /// <summary>The people who work on review cases: counsellors and supervisors.</summary>
    public const string CaseWorker = "case-worker";

    /// <summary>A recipient (their own data, checked by the endpoint) or a counsellor.</summary>
    public const string RecipientOrCounsellor = "recipient-or-counsellor";

    /// <summary>A recipient (their own data, checked by the endpoint), a counsellor or a supervisor.</summary>
    public const string RecipientOrCaseWorker = "recipient-or-case-worker";

    internal static IServiceCollection AddPlatformAuthorization(this IServiceCollection services) =>
        services.AddAuthorization(options =>
        {
            options.AddPolicy(Recipient, policy => policy.RequireRole(Roles.Recipient));
            options.AddPolicy(Counsellor, policy => AgentWithDepartements(policy.RequireRole(Roles.Counsellor)));
            options.AddPolicy(Supervisor, policy => AgentWithDepartements(policy.RequireRole(Roles.Supervisor)));
            options.AddPolicy(Auditor, policy => AgentWithDepartements(policy.RequireRole(Roles.Auditor)));
            options.AddPolicy(Payer, policy => policy.RequireRole(Roles.Payer));
            options.AddPolicy(CaseWorker, policy => AgentWithDepartements(policy.RequireRole(Roles.Counsellor, Roles.Supervisor)));
            options.AddPolicy(RecipientOrCounsellor, policy => AgentWithDepartements(policy.RequireRole(Roles.Recipient, Roles.Counsellor)));
            options.AddPolicy(RecipientOrCaseWorker, policy => AgentWithDepartements(policy.RequireRole(Roles.Recipient, Roles.Counsellor, Roles.Supervisor)));
            // Applies to endpoints without authorization metadata. A request that matched no endpoint passes through,
            // so that it still gets its 404.
            options.FallbackPolicy = new AuthorizationPolicyBuilder()
                .RequireAssertion(context => context.Resource is HttpContext http && http.GetEndpoint() is null)
                .Build();
        });

    /// <summary>
    /// An agent acts for the départements their token names: a token of an agent role without any is refused (403,
    /// <see cref="ProblemTypes.DepartementsMissing"/>), whatever the route.
    /// </summary>
    private static AuthorizationPolicyBuilder AgentWithDepartements(AuthorizationPolicyBuilder policy) =>
        policy.RequireAssertion(context => !context.User.LacksDepartements());
}

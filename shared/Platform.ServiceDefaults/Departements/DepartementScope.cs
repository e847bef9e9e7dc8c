using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Platform.ServiceDefaults.Departements;

public static class DepartementScope
{
    /// <summary>Tells <see cref="DepartementScopeMiddleware"/> how to find the recipient a route names by another id.</summary>
    public static IServiceCollection AddRecipientRoute(this IServiceCollection services, RecipientRoute route) => services.AddSingleton(route);

    /// <summary>The endpoint checks the caller's départements itself (it places or moves a recipient).</summary>
    public static TBuilder ChecksDepartementItself<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(DepartementCheckedByEndpoint.Instance);
}

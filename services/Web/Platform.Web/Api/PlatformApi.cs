using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Platform.ServiceDefaults.Problems;
using Platform.Web.Hosting;

namespace Platform.Web.Api;

public enum PlatformService
{
    Declarations,
    Rules,
    Review,
    Allocations,
    Audit,
}

/// <summary>An RFC 9457 problem as a service answered it (already in the person's language), or a transport failure.</summary>
public sealed record ApiProblem(int Status, string? Type, string Title, string? Detail, IReadOnlyDictionary<string, string[]> Errors)
{
    public IEnumerable<string> Messages =>
        Errors.Count > 0 ? Errors.SelectMany(pair => pair.Value) : [Detail ?? Title];
}

public sealed record ApiResult<T>(T? Value, ApiProblem? Problem)
{
    public bool Succeeded => Problem is null;
}

/// <summary>
/// Calls the services' APIs as the signed-in person: their bearer token, their language (so problem details come
/// back in it). Nothing is cached or kept here; every page shows what the services answer now.
/// </summary>
public sealed class PlatformApi(IHttpClientFactory clients, IHttpContextAccessor context, IOptions<ServicesOptions> options, ILogger<PlatformApi> logger)
{
    public const string ClientName = "platform";

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public Task<ApiResult<T>> GetAsync<T>(PlatformService service, string path, CancellationToken cancellationToken) =>
        SendAsync<T>(service, HttpMethod.Get, path, null, cancellationToken);

    public Task<ApiResult<T>> PostAsync<T>(PlatformService service, string path, object body, CancellationToken cancellationToken) =>
        SendAsync<T>(service, HttpMethod.Post, path, body, cancellationToken);

    public Task<ApiResult<T>> PutAsync<T>(PlatformService service, string path, object body, CancellationToken cancellationToken) =>
        SendAsync<T>(service, HttpMethod.Put, path, body, cancellationToken);

    private async Task<ApiResult<T>> SendAsync<T>(PlatformService service, HttpMethod method, string path, object? body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, new Uri(BaseOf(service), path));
        var http = context.HttpContext ?? throw new InvalidOperationException("The API is called while serving a request.");
        var token = await http.GetTokenAsync("access_token");
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        request.Headers.AcceptLanguage.Add(new StringWithQualityHeaderValue(CultureInfo.CurrentUICulture.TwoLetterISOLanguageName));
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, options: Json);
        }

        try
        {
            using var response = await clients.CreateClient(ClientName).SendAsync(request, cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                var value = await response.Content.ReadFromJsonAsync<T>(Json, cancellationToken);
                return new ApiResult<T>(value, null);
            }

            return new ApiResult<T>(default, await ProblemOf(response, cancellationToken));
        }
        catch (HttpRequestException exception)
        {
            logger.LogWarning(exception, "The {Service} service could not be reached", service);
            return new ApiResult<T>(default, Unavailable());
        }
        catch (TaskCanceledException exception) when (!cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning(exception, "The {Service} service did not answer in time", service);
            return new ApiResult<T>(default, Unavailable());
        }
    }

    private Uri BaseOf(PlatformService service)
    {
        var urls = options.Value;
        return service switch
        {
            PlatformService.Declarations => urls.Declarations!,
            PlatformService.Rules => urls.Rules!,
            PlatformService.Review => urls.Review!,
            PlatformService.Allocations => urls.Allocations!,
            PlatformService.Audit => urls.Audit!,
            _ => throw new ArgumentOutOfRangeException(nameof(service)),
        };
    }

    private static ApiProblem Unavailable() => new(
        503,
        null,
        Localized.Text("Service momentanément indisponible", "Service temporarily unavailable"),
        Localized.Text("Le service n'a pas répondu. Réessayez dans quelques instants.", "The service did not answer. Try again in a moment."),
        new Dictionary<string, string[]>());

    private static async Task<ApiProblem> ProblemOf(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        var fallback = status switch
        {
            401 => Localized.Text("Votre session a expiré : reconnectez-vous.", "Your session has expired: sign in again."),
            403 => Localized.Text("Vous n'avez pas accès à cette information.", "You do not have access to this information."),
            404 => Localized.Text("Cette information n'existe pas.", "This information does not exist."),
            _ => Localized.Text("La demande n'a pas abouti.", "The request did not succeed."),
        };
        try
        {
            var problem = await response.Content.ReadFromJsonAsync<ProblemBody>(Json, cancellationToken);
            if (problem is not null)
            {
                return new ApiProblem(status, problem.Type, problem.Title ?? fallback, problem.Detail, problem.Errors ?? []);
            }
        }
        catch (JsonException)
        {
            // Not a problem document (an empty 401 from the bearer handler, a proxy's page): the status says enough.
        }

        return new ApiProblem(status, null, fallback, null, new Dictionary<string, string[]>());
    }

    private sealed record ProblemBody(string? Type, string? Title, string? Detail, Dictionary<string, string[]>? Errors);
}

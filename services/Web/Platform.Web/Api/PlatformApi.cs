using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Platform.ServiceDefaults.Problems;
using Platform.Web.Api.Allocations;
using Platform.Web.Api.Audit;
using Platform.Web.Api.Declarations;
using Platform.Web.Api.Review;
using Platform.Web.Api.Rules;

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
/// The services' APIs as the pages call them: through the clients generated from the committed OpenAPI documents
/// (obj/ApiClients, see the project file), each call's failure turned into the problem the page shows. The person's
/// bearer token and language ride on every request (<see cref="PersonForwarding"/>), so problem details come back in
/// their language. Nothing is cached or kept here; every page shows what the services answer now.
/// </summary>
public sealed class PlatformApi(IHttpClientFactory clients, ILogger<PlatformApi> logger)
{
    public Task<ApiResult<T>> Declarations<T>(Func<DeclarationsClient, Task<T>> call) =>
        CallAsync(PlatformService.Declarations, () => call(new DeclarationsClient(Http(PlatformService.Declarations)) { ReadResponseAsString = true }));

    public Task<ApiResult<T>> Rules<T>(Func<RulesClient, Task<T>> call) =>
        CallAsync(PlatformService.Rules, () => call(new RulesClient(Http(PlatformService.Rules)) { ReadResponseAsString = true }));

    public Task<ApiResult<T>> Review<T>(Func<ReviewClient, Task<T>> call) =>
        CallAsync(PlatformService.Review, () => call(new ReviewClient(Http(PlatformService.Review)) { ReadResponseAsString = true }));

    public Task<ApiResult<T>> Allocations<T>(Func<AllocationsClient, Task<T>> call) =>
        CallAsync(PlatformService.Allocations, () => call(new AllocationsClient(Http(PlatformService.Allocations)) { ReadResponseAsString = true }));

    public Task<ApiResult<T>> Audit<T>(Func<AuditClient, Task<T>> call) =>
        CallAsync(PlatformService.Audit, () => call(new AuditClient(Http(PlatformService.Audit)) { ReadResponseAsString = true }));

    /// <summary>
    /// A letter's PDF from the review service, by its API path. The generated client reads every answer as JSON, so the
    /// bytes are read here; a failure maps to the same problem as any other call.
    /// </summary>
    public Task<ApiResult<byte[]>> ReviewPdf(string path, CancellationToken cancellationToken) =>
        CallAsync(PlatformService.Review, async () =>
        {
            using var response = await Http(PlatformService.Review).GetAsync(new Uri(path, UriKind.Relative), cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                throw new ApiException(
                    "The letter could not be read.", (int)response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken),
                    new Dictionary<string, IEnumerable<string>>(), null);
            }

            return await response.Content.ReadAsByteArrayAsync(cancellationToken);
        });

    /// <summary>The named client of a service: its base address, timeout and <see cref="PersonForwarding"/> (see WebFrontSetup).</summary>
    public static string ClientName(PlatformService service) => $"platform-{service.ToString().ToLowerInvariant()}";

    private HttpClient Http(PlatformService service) => clients.CreateClient(ClientName(service));

    private async Task<ApiResult<T>> CallAsync<T>(PlatformService service, Func<Task<T>> call)
    {
        try
        {
            return new ApiResult<T>(await call(), null);
        }
        catch (ApiException exception) when (exception.StatusCode is >= 200 and < 300)
        {
            // A success the generated client could not read: the service and the committed document disagree.
            logger.LogError(exception, "The {Service} service answered {Status} in a form its OpenAPI document does not describe", service, exception.StatusCode);
            return new ApiResult<T>(default, Unreadable());
        }
        catch (ApiException exception)
        {
            return new ApiResult<T>(default, ProblemOf(exception));
        }
        catch (HttpRequestException exception)
        {
            logger.LogWarning(exception, "The {Service} service could not be reached", service);
            return new ApiResult<T>(default, Unavailable());
        }
        catch (TaskCanceledException exception) when (exception.InnerException is TimeoutException)
        {
            logger.LogWarning(exception, "The {Service} service did not answer in time", service);
            return new ApiResult<T>(default, Unavailable());
        }
    }

    private static ApiProblem Unavailable() => new(
        503,
        null,
        Localized.Text("Service momentanément indisponible", "Service temporarily unavailable"),
        Localized.Text("Le service n'a pas répondu. Réessayez dans quelques instants.", "The service did not answer. Try again in a moment."),
        new Dictionary<string, string[]>());

    private static ApiProblem Unreadable() => new(
        502,
        null,
        Localized.Text("Réponse illisible", "Unreadable answer"),
        Localized.Text("Le service a répondu sous une forme que cette page ne sait pas lire.", "The service answered in a form this page cannot read."),
        new Dictionary<string, string[]>());

    private static ApiProblem ProblemOf(ApiException exception)
    {
        var status = exception.StatusCode;
        var fallback = status switch
        {
            401 => Localized.Text("Votre session a expiré : reconnectez-vous.", "Your session has expired: sign in again."),
            403 => Localized.Text("Vous n'avez pas accès à cette information.", "You do not have access to this information."),
            404 => Localized.Text("Cette information n'existe pas.", "This information does not exist."),
            _ => Localized.Text("La demande n'a pas abouti.", "The request did not succeed."),
        };
        if (!string.IsNullOrWhiteSpace(exception.Response))
        {
            try
            {
                var problem = JsonSerializer.Deserialize<ProblemBody>(exception.Response, Json);
                if (problem is not null)
                {
                    return new ApiProblem(status, problem.Type, problem.Title ?? fallback, problem.Detail, problem.Errors ?? []);
                }
            }
            catch (JsonException)
            {
                // Not a problem document (a proxy's page): the status says enough.
            }
        }

        // No body (an empty 401 from the bearer handler): the status says enough.
        return new ApiProblem(status, null, fallback, null, new Dictionary<string, string[]>());
    }

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private sealed record ProblemBody(string? Type, string? Title, string? Detail, Dictionary<string, string[]>? Errors);
}

/// <summary>Adds the signed-in person's bearer token and language to every call the generated clients make.</summary>
public sealed class PersonForwarding(IHttpContextAccessor context) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var http = context.HttpContext ?? throw new InvalidOperationException("The API is called while serving a request.");
        var token = await http.GetTokenAsync("access_token");
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        request.Headers.AcceptLanguage.Clear();
        request.Headers.AcceptLanguage.Add(new StringWithQualityHeaderValue(CultureInfo.CurrentUICulture.TwoLetterISOLanguageName));
        return await base.SendAsync(request, cancellationToken);
    }
}

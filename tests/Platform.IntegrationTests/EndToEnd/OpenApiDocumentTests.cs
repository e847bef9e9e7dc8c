using System.Text.Json.Nodes;
using Platform.IntegrationTests.Infrastructure;

namespace Platform.IntegrationTests.EndToEnd;

/// <summary>
/// The OpenAPI documents committed under docs/openapi/ are the contract clients are generated from: each must equal what
/// its service serves, so an endpoint change without its reviewed document diff fails here
/// (<c>deploy/local/openapi.sh</c> regenerates them).
/// </summary>
public sealed class OpenApiDocumentTests
{
    [Fact]
    public async Task EveryService_ServesExactlyItsCommittedDocument_AndItsReferencePage()
    {
        var differences = new List<string>();
        foreach (var service in PlatformProcesses.Catalogue.Keys.Where(service => service != "web"))
        {
            // One service at a time: each document is its service's alone, and the machine is spared five starts at once.
            await using var platform = await PlatformProcesses.StartAsync(null, service);
            using var http = new HttpClient { BaseAddress = platform.UrlOf(service) };
            var served = JsonNode.Parse(await http.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative)));
            var path = Path.Combine(PlatformProcesses.RepositoryRoot, "docs", "openapi", $"{service}.json");
            var committed = File.Exists(path) ? JsonNode.Parse(await File.ReadAllTextAsync(path)) : null;
            if (!JsonNode.DeepEquals(served, committed))
            {
                differences.Add($"{service}: {FirstDifference(committed, served, "$")}");
            }

            // The services run in Development here, where each serves its API reference page.
            using var reference = await http.GetAsync(new Uri("/reference", UriKind.Relative));
            Assert.True(reference.IsSuccessStatusCode, $"{service}: /reference answered {(int)reference.StatusCode}");
            Assert.Equal("text/html", reference.Content.Headers.ContentType?.MediaType);
        }

        Assert.True(
            differences.Count == 0,
            $"Served OpenAPI documents differ from docs/openapi (run deploy/local/openapi.sh and commit the diff):\n{string.Join('\n', differences)}");
    }

    [Fact]
    public async Task EveryOperation_IsNamedDescribedSecuredAndDocumentsItsProblems()
    {
        foreach (var service in PlatformProcesses.Catalogue.Keys.Where(service => service != "web"))
        {
            var document = JsonNode.Parse(await File.ReadAllTextAsync(
                Path.Combine(PlatformProcesses.RepositoryRoot, "docs", "openapi", $"{service}.json")))!;
            Assert.StartsWith("XP RSA — ", document["info"]!["title"]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.NotNull(document["components"]!["securitySchemes"]!["bearer"]);
            Assert.NotNull(document["components"]!["schemas"]!["ProblemDetails"]!["properties"]!["errors"]);
            foreach (var (path, item) in document["paths"]!.AsObject())
            {
                foreach (var (method, operation) in item!.AsObject())
                {
                    var where = $"{service} {method} {path}";
                    Assert.False(string.IsNullOrEmpty(operation!["operationId"]?.GetValue<string>()), $"{where}: operationId");
                    Assert.False(string.IsNullOrEmpty(operation["summary"]?.GetValue<string>()), $"{where}: summary");
                    Assert.False(string.IsNullOrEmpty(operation["description"]?.GetValue<string>()), $"{where}: description");
                    Assert.True(operation["security"] is JsonArray { Count: > 0 }, $"{where}: security");
                    var problems = operation["responses"]!.AsObject().Where(response => response.Key[0] is '4' or '5').ToList();
                    Assert.Contains(problems, response => response.Key[0] == '4');
                    Assert.All(problems, response => Assert.NotNull(response.Value!["content"]!["application/problem+json"]));
                }
            }
        }
    }

    private static string FirstDifference(JsonNode? expected, JsonNode? actual, string at)
    {
        if (expected is JsonObject expectedObject && actual is JsonObject actualObject)
        {
            foreach (var name in expectedObject.Select(pair => pair.Key).Union(actualObject.Select(pair => pair.Key)))
            {
                if (!JsonNode.DeepEquals(expectedObject[name], actualObject[name]))
                {
                    return FirstDifference(expectedObject[name], actualObject[name], $"{at}.{name}");
                }
            }
        }

        if (expected is JsonArray expectedArray && actual is JsonArray actualArray && expectedArray.Count == actualArray.Count)
        {
            for (var index = 0; index < expectedArray.Count; index++)
            {
                if (!JsonNode.DeepEquals(expectedArray[index], actualArray[index]))
                {
                    return FirstDifference(expectedArray[index], actualArray[index], $"{at}[{index}]");
                }
            }
        }

        return $"at {at}, committed {Shorten(expected)}, served {Shorten(actual)}";
    }

    private static string Shorten(JsonNode? node)
    {
        var text = node?.ToJsonString() ?? "nothing";
        return text.Length > 200 ? text[..200] + "…" : text;
    }
}

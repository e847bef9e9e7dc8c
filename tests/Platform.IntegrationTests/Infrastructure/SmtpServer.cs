using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using MimeKit;

namespace Platform.IntegrationTests.Infrastructure;

/// <summary>
/// The real SMTP server the services send to in tests (smtp4dev, started by <c>deploy/local/servers.sh</c>), found like
/// the other servers through environment variables (<c>PLATFORM_TEST_SMTP</c> host:port, <c>PLATFORM_TEST_SMTP_API</c>
/// its REST API), which default to what servers.sh starts. Tests read the messages it received through its API.
/// </summary>
public static class Smtp
{
    private static readonly string Address = Environment.GetEnvironmentVariable("PLATFORM_TEST_SMTP") is { Length: > 0 } set ? set : "127.0.0.1:2525";

    private static readonly HttpClient Api = new()
    {
        BaseAddress = new Uri(Environment.GetEnvironmentVariable("PLATFORM_TEST_SMTP_API") is { Length: > 0 } api ? api : "http://127.0.0.1:5025"),
    };

    public static string Host => Address.Split(':')[0];

    public static int Port => int.Parse(Address.Split(':')[1], CultureInfo.InvariantCulture);

    /// <summary>The first message the server received for <paramref name="to"/>, waiting up to 60 s for it.</summary>
    public static async Task<MimeMessage> WaitForMessageToAsync(string to)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var page = await Api.GetFromJsonAsync<JsonElement>($"/api/messages?searchTerms={Uri.EscapeDataString(to)}&pageSize=50");
            var found = page.GetProperty("results").EnumerateArray()
                .FirstOrDefault(message => message.GetProperty("to").EnumerateArray().Any(address => address.GetString() == to));
            if (found.ValueKind == JsonValueKind.Object)
            {
                await using var source = await Api.GetStreamAsync($"/api/messages/{found.GetProperty("id").GetString()}/raw");
                return await MimeMessage.LoadAsync(source);
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"No e-mail to {to} reached the SMTP server within 60 s.");
            }

            await Task.Delay(250);
        }
    }

    /// <summary>How many messages the server received for <paramref name="to"/>.</summary>
    public static async Task<int> CountToAsync(string to)
    {
        var page = await Api.GetFromJsonAsync<JsonElement>($"/api/messages?searchTerms={Uri.EscapeDataString(to)}&pageSize=50");
        return page.GetProperty("results").EnumerateArray().Count(message => message.GetProperty("to").EnumerateArray().Any(address => address.GetString() == to));
    }
}

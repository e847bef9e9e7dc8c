using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Platform.Rules.Calendar;

namespace Platform.Benchmarks;

/// <summary>
/// The cost of <c>Idempotency-Key</c> under a burst, in one run: N concurrent observations from one recipient on one
/// flag without a key (the baseline), with N distinct keys, and with N requests reusing K keys, then the baseline again
/// (the machine's drift during the run). Each burst's rate is reported with its ratio to the first baseline.
/// </summary>
internal static class KeyedBursts
{
    //   dotnet run -c Release --project tests/Platform.Benchmarks -- bursts [--requests 400] [--keys 20]
    public static async Task RunAsync(string[] args, BenchmarkSettings settings)
    {
        string Option(string name, string fallback)
        {
            var index = Array.IndexOf(args, name);
            return index >= 0 && index + 1 < args.Length ? args[index + 1] : fallback;
        }

        var requests = int.Parse(Option("--requests", "400"), CultureInfo.InvariantCulture);
        var keys = int.Parse(Option("--keys", "20"), CultureInfo.InvariantCulture);
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 1024 }) { Timeout = TimeSpan.FromMinutes(5) };
        var culture = CultureInfo.InvariantCulture;
        var recipient = $"K{DateTimeOffset.UtcNow.ToString("MMddHHmmss", culture)}";
        var flagId = await RaiseFlagAsync(http, settings, recipient);
        var token = DevTokens.For("recipient", recipient, settings.Identity);
        var url = $"{settings.Review}/api/recipients/{recipient}/flags/{flagId}/observations";
        var run = Guid.NewGuid().ToString("N")[..8];

        // A few requests first, so that no burst pays for the service's first compilations.
        await BurstAsync(http, url, token, Enumerable.Range(0, 20).Select(_ => (string?)null));
        var bursts = new List<(string Name, Burst Result)>
        {
            ("no `Idempotency-Key` (baseline)", await BurstAsync(http, url, token, Enumerable.Range(0, requests).Select(_ => (string?)null))),
            ($"{requests} distinct keys", await BurstAsync(http, url, token, Enumerable.Range(0, requests).Select(i => (string?)$"{run}-d-{i}"))),
            ($"{requests} requests reusing {keys} keys", await BurstAsync(http, url, token, Enumerable.Range(0, requests).Select(i => (string?)$"{run}-r-{i % keys}"))),
            ("no `Idempotency-Key` again (drift)", await BurstAsync(http, url, token, Enumerable.Range(0, requests).Select(_ => (string?)null))),
        };

        var baseline = bursts[0].Result.PerSecond;
        Console.WriteLine($"# Keyed POST bursts {DateTimeOffset.UtcNow:u} — {Environment.ProcessorCount} cores");
        Console.WriteLine($"{requests} concurrent `POST /api/recipients/{{id}}/flags/{{flag}}/observations` per burst, one recipient, one flag");
        Console.WriteLine();
        Console.WriteLine("| burst | answers | seconds | requests/s | ratio to the baseline |");
        Console.WriteLine("|---|---|---|---|---|");
        foreach (var (name, result) in bursts)
        {
            var answers = string.Join(", ", result.Statuses.OrderBy(pair => pair.Key).Select(pair => $"{(int)pair.Key} × {pair.Value}"));
            Console.WriteLine(string.Create(culture,
                $"| {name} | {answers} | {result.Elapsed.TotalSeconds:0.00} | {result.PerSecond:0.0} | {result.PerSecond / baseline:0.00} |"));
        }
    }

    private sealed record Burst(TimeSpan Elapsed, double PerSecond, IReadOnlyDictionary<HttpStatusCode, int> Statuses);

    private static async Task<Burst> BurstAsync(HttpClient http, string url, string token, IEnumerable<string?> keys)
    {
        var list = keys.ToList();
        var clock = Stopwatch.StartNew();
        var statuses = await Task.WhenAll(list.Select(async (key, i) =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = JsonContent.Create(new { text = $"Observation {key ?? i.ToString(CultureInfo.InvariantCulture)}" }) };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            if (key is not null)
            {
                request.Headers.Add("Idempotency-Key", key);
            }

            try
            {
                using var response = await http.SendAsync(request);
                return response.StatusCode;
            }
            catch (HttpRequestException)
            {
                return (HttpStatusCode)0;
            }
        }));
        var elapsed = clock.Elapsed;
        return new Burst(elapsed, list.Count / elapsed.TotalSeconds, statuses.GroupBy(status => status).ToDictionary(group => group.Key, group => group.Count()));
    }

    /// <summary>An engagement of 15 h and a week declared at 5 h: the rules raise a flag the recipient can answer.</summary>
    private static async Task<Guid> RaiseFlagAsync(HttpClient http, BenchmarkSettings settings, string recipient)
    {
        var week = WeekCalendar.WeekOf(DateTimeOffset.UtcNow).Previous;
        var counsellor = DevTokens.For("counsellor", "bench-counsellor", settings.Identity);
        var token = DevTokens.For("recipient", recipient, settings.Identity);
        await SendAsync(http, HttpMethod.Put, $"{settings.Declarations}/api/recipients/{recipient}/engagement", counsellor,
            new { hoursPerWeek = 15, fromWeek = week.AddWeeks(-1).ToString() });
        await SendAsync(http, HttpMethod.Put, $"{settings.Declarations}/api/recipients/{recipient}/declarations/{week}", token,
            new { activities = new[] { new { category = "job-search", date = week.Monday.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), hours = 5 } } });
        for (var attempt = 0; attempt < 600; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"{settings.Review}/api/recipients/{recipient}/flags");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var response = await http.SendAsync(request);
            if (response.IsSuccessStatusCode)
            {
                var flags = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("flags");
                if (flags.GetArrayLength() > 0)
                {
                    return flags[0].GetProperty("flagId").GetGuid();
                }
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"No flag reached the review service for {recipient} within two minutes.");
    }

    private static async Task SendAsync(HttpClient http, HttpMethod method, string url, string token, object body)
    {
        using var request = new HttpRequestMessage(method, url) { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{method} {url}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }
}

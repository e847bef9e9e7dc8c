using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Platform.Rules.Calendar;

namespace Platform.Benchmarks;

/// <summary>
/// Simulated recipients submitting declarations over HTTP at stepped open-loop rates: each request leaves at its
/// scheduled instant whether or not earlier ones have answered, as people do. For each rate: submit latency
/// percentiles, and for a sample of declarations the time until their flag is in the review service and their event
/// in the audit log; and whether the pipeline kept up (its queues did not grow).
/// </summary>
internal sealed class PlatformLoad(BenchmarkSettings settings) : IDisposable
{
    private readonly HttpClient http = new(new SocketsHttpHandler { MaxConnectionsPerServer = 512, PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
    {
        Timeout = TimeSpan.FromSeconds(30),
    };

    public sealed record StepResult(
        int Rate,
        int Sent,
        int Accepted,
        double AchievedPerSecond,
        double P50Ms,
        double P95Ms,
        double P99Ms,
        double? FlagP50Seconds,
        double? FlagP95Seconds,
        double? AuditP50Seconds,
        double? AuditP95Seconds,
        long BacklogAfter,
        bool Sustained,
        IReadOnlyDictionary<string, double> CpuMsPerDeclaration);

    /// <summary>The declarations service's instances (comma-separated in the settings): requests go round the list.</summary>
    private readonly string[] declarations = settings.Declarations.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private string DeclarationsFor(int index) => declarations[index % declarations.Length];

    public async Task<StepResult> RunStepAsync(int rate, string runId, int seconds)
    {
        var count = rate * seconds;
        var week = WeekCalendar.WeekOf(DateTimeOffset.UtcNow).Previous;
        var recipients = Enumerable.Range(0, count).Select(i => $"B{runId}-{rate}-{i:000000}").ToList();
        // A few samples a second whatever the rate, so that following them never becomes the load it measures.
        var sampleEvery = Math.Max(1, rate / settings.SamplesPerSecond);
        var sampled = recipients.Where((_, i) => i % sampleEvery == 0).ToHashSet();

        // Sampled recipients get an engagement, so their short week raises a flag whose arrival we can time.
        var counsellor = DevTokens.For("counsellor", "bench-counsellor", settings.Identity);
        await Parallel.ForEachAsync(sampled, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (recipient, ct) =>
            await SendAsync(HttpMethod.Put, $"{declarations[0]}/api/recipients/{recipient}/engagement", counsellor,
                new { hoursPerWeek = 15, fromWeek = week.AddWeeks(-1).ToString() }, ct));
        await DevTokens.PrefetchAsync("recipient", recipients, settings.Identity);
        await Task.Delay(TimeSpan.FromSeconds(2));
        var backlogBefore = await QueueBacklogAsync();

        var latencies = new ConcurrentBag<double>();
        var flagTimes = new ConcurrentBag<double>();
        var auditTimes = new ConcurrentBag<double>();
        var accepted = 0;
        var followUps = new ConcurrentBag<Task>();
        var body = new
        {
            activities = new[] { new { category = "job-search", date = week.Monday.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), hours = 5 } },
        };

        var cpuBefore = ServiceCpu.Read(settings.PidFolder);
        var clock = Stopwatch.StartNew();
        var submissions = recipients.Select(async (recipient, i) =>
        {
            var due = TimeSpan.FromSeconds((double)i / rate);
            var wait = due - clock.Elapsed;
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait);
            }

            var token = DevTokens.For("recipient", recipient, settings.Identity);
            var started = clock.Elapsed;
            var status = await SendAsync(HttpMethod.Put, $"{DeclarationsFor(i)}/api/recipients/{recipient}/declarations/{week}", token, body, default);
            latencies.Add((clock.Elapsed - started).TotalMilliseconds);
            if (status == HttpStatusCode.Created)
            {
                Interlocked.Increment(ref accepted);
                if (sampled.Contains(recipient))
                {
                    followUps.Add(FollowAsync(recipient, token, started, clock, flagTimes, auditTimes));
                }
            }
        }).ToList();
        await Task.WhenAll(submissions);
        var elapsed = clock.Elapsed;
        await Task.Delay(TimeSpan.FromSeconds(2));
        var backlogAfter = await QueueBacklogAsync();
        await Task.WhenAll(followUps);
        // The CPU the services spent on this step's declarations, until their queues are empty again.
        await DrainAsync();
        var cpuPerDeclaration = ServiceCpu.Read(settings.PidFolder)
            .ToDictionary(used => used.Key, used => (used.Value - cpuBefore.GetValueOrDefault(used.Key)).TotalMilliseconds / Math.Max(1, accepted));

        var sorted = latencies.Order().ToList();
        // Kept up: every request accepted at the rate asked, none queued for long in the service (p95 under 1 s), the
        // broker's backlog not grown by a second's worth, and every sampled flag and audit entry arrived, 95 % of them
        // within 3 s (a pipeline falling behind shows first as that delay growing through the step).
        var sustained = accepted == count
            && count / elapsed.TotalSeconds >= rate * 0.95
            && Percentile(sorted, 0.95) < 1_000
            && backlogAfter - backlogBefore < rate
            && flagTimes.Count == sampled.Count && auditTimes.Count == sampled.Count
            && Seconds(flagTimes, 0.95) <= 3 && Seconds(auditTimes, 0.95) <= 3;
        return new StepResult(
            rate, count, accepted, count / elapsed.TotalSeconds,
            Percentile(sorted, 0.50), Percentile(sorted, 0.95), Percentile(sorted, 0.99),
            Seconds(flagTimes, 0.50), Seconds(flagTimes, 0.95), Seconds(auditTimes, 0.50), Seconds(auditTimes, 0.95),
            backlogAfter, sustained, cpuPerDeclaration);
    }

    /// <summary>Polls until the review service shows the recipient's flag and the audit log holds the declaration.</summary>
    private async Task FollowAsync(string recipient, string token, TimeSpan submitted, Stopwatch clock, ConcurrentBag<double> flagTimes, ConcurrentBag<double> auditTimes)
    {
        var auditor = DevTokens.For("auditor", "bench-auditor", settings.Identity);
        var deadline = clock.Elapsed + TimeSpan.FromSeconds(60);
        bool flagSeen = false, auditSeen = false;
        var pause = TimeSpan.FromMilliseconds(50);
        while ((!flagSeen || !auditSeen) && clock.Elapsed < deadline)
        {
            if (!flagSeen && await HasItemsAsync($"{settings.Review}/api/recipients/{recipient}/flags", token, "flags"))
            {
                flagSeen = true;
                flagTimes.Add((clock.Elapsed - submitted).TotalSeconds);
            }

            if (!auditSeen && await HasItemsAsync($"{settings.Audit}/api/audit/events?recipient={recipient}&type=DeclarationSubmitted", auditor, "events"))
            {
                auditSeen = true;
                auditTimes.Add((clock.Elapsed - submitted).TotalSeconds);
            }

            // Polling backs off (50 ms growing to 1 s): precise when the pipeline is quick, light when it lags.
            await Task.Delay(pause);
            pause = TimeSpan.FromMilliseconds(Math.Min(1_000, pause.TotalMilliseconds * 1.5));
        }
    }

    private async Task<bool> HasItemsAsync(string url, string token, string property)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request);
        if (!response.IsSuccessStatusCode)
        {
            return false;
        }

        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        return json.TryGetProperty(property, out var items) && items.GetArrayLength() > 0;
    }

    private async Task<HttpStatusCode> SendAsync(HttpMethod method, string url, string token, object body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, url) { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        try
        {
            using var response = await http.SendAsync(request, cancellationToken);
            return response.StatusCode;
        }
        catch (HttpRequestException)
        {
            return 0;
        }
        catch (TaskCanceledException)
        {
            return HttpStatusCode.RequestTimeout;
        }
    }

    /// <summary>Waits (up to a minute) until the platform's queues are empty, so that one step does not load the next.</summary>
    public async Task DrainAsync()
    {
        for (var i = 0; i < 60 && await QueueBacklogAsync() > 0; i++)
        {
            await Task.Delay(1000);
        }
    }

    /// <summary>Messages waiting or unacknowledged in the platform's consumer queues (error queues excluded).</summary>
    public async Task<long> QueueBacklogAsync()
    {
        var management = new Uri(settings.Management);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(management, "/api/queues/%2F?columns=name,messages"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(Uri.UnescapeDataString(management.UserInfo))));
        using var response = await http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        var queues = await response.Content.ReadFromJsonAsync<JsonElement>();
        return queues.EnumerateArray()
            .Where(queue => !queue.GetProperty("name").GetString()!.EndsWith("_error", StringComparison.Ordinal))
            .Sum(queue => queue.TryGetProperty("messages", out var messages) ? messages.GetInt64() : 0);
    }

    private static double Percentile(List<double> sorted, double quantile) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(quantile * sorted.Count) - 1)];

    private static double? Seconds(ConcurrentBag<double> values, double quantile) =>
        values.IsEmpty ? null : Percentile(values.Order().ToList(), quantile);

    public void Dispose() => http.Dispose();
}

/// <summary>
/// The CPU time (user and system) each service has used so far, read from /proc for the pids deploy/local/up.sh wrote;
/// the instances of one service (<c>rules</c>, <c>rules-2</c>…) are added together. With them, PostgreSQL's
/// (<c>postgresql</c>) when its postmaster's pid file is found: the postmaster's own time, its ended children's
/// (<c>cutime</c>, <c>cstime</c>) and every live backend's, so a connection closed between two reads is still counted.
/// It serves every database on the server, so other work on it counts too.
/// </summary>
internal static class ServiceCpu
{
    private const string PostgresPidFiles = "/var/run/postgresql";

    public static Dictionary<string, TimeSpan> Read(string pidFolder)
    {
        var used = new Dictionary<string, TimeSpan>();
        if (PostgresTime() is { } postgres)
        {
            used["postgresql"] = postgres;
        }

        foreach (var pidFile in Directory.Exists(pidFolder) ? Directory.GetFiles(pidFolder, "*.pid") : [])
        {
            var name = Path.GetFileNameWithoutExtension(pidFile);
            var service = name.Contains('-', StringComparison.Ordinal) ? name[..name.LastIndexOf('-')] : name;
            var stat = $"/proc/{File.ReadAllText(pidFile).Trim()}/stat";
            if (!File.Exists(stat))
            {
                continue;
            }

            used[service] = used.GetValueOrDefault(service) + Ticks(Fields(stat), withChildren: false);
        }

        return used;
    }

    private static TimeSpan? PostgresTime()
    {
        var pidFile = Directory.Exists(PostgresPidFiles) ? Directory.GetFiles(PostgresPidFiles, "*.pid").FirstOrDefault() : null;
        if (pidFile is null || !int.TryParse(File.ReadLines(pidFile).FirstOrDefault(), CultureInfo.InvariantCulture, out var postmaster))
        {
            return null;
        }

        var total = Ticks(Fields($"/proc/{postmaster}/stat"), withChildren: true);
        foreach (var process in Directory.GetDirectories("/proc").Select(Path.GetFileName).Where(name => name!.All(char.IsAsciiDigit)))
        {
            try
            {
                var fields = Fields($"/proc/{process}/stat");
                if (fields[1] == postmaster.ToString(CultureInfo.InvariantCulture))
                {
                    total += Ticks(fields, withChildren: false);
                }
            }
            catch (IOException)
            {
                // The process ended between the listing and the read: its time is now its parent's cutime.
            }
        }

        return total;
    }

    /// <summary>The fields of /proc/&lt;pid&gt;/stat after the command's closing parenthesis (state is [0], ppid [1]).</summary>
    private static string[] Fields(string stat)
    {
        var text = File.ReadAllText(stat);
        return text[(text.LastIndexOf(')') + 2)..].Split(' ');
    }

    /// <summary>utime + stime (and cutime + cstime), the 12th to 15th fields, in USER_HZ ticks (100 a second on Linux).</summary>
    private static TimeSpan Ticks(string[] fields, bool withChildren)
    {
        var ticks = Enumerable.Range(11, withChildren ? 4 : 2).Sum(i => long.Parse(fields[i], CultureInfo.InvariantCulture));
        return TimeSpan.FromSeconds(ticks / 100d);
    }
}

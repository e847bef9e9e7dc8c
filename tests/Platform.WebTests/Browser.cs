using System.Drawing;
using System.Text.Json;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Support.UI;
using Platform.IntegrationTests.Infrastructure;

namespace Platform.WebTests;

/// <summary>
/// Debian's headless Chromium driven by its chromedriver, with a fresh profile. <see cref="Check"/> saves a screenshot
/// under artifacts/screenshots/ and runs axe-core (from the web project's npm packages) on the page: no violation of
/// impact serious or critical is allowed.
/// </summary>
public sealed class Browser : IDisposable
{
    public const string ChromiumPath = "/usr/bin/chromium";
    public const string ChromedriverPath = "/usr/bin/chromedriver";

    public static readonly string ScreenshotFolder = Path.Combine(PlatformProcesses.RepositoryRoot, "artifacts", "screenshots");

    private static readonly Lazy<string> AxeSource = new(() => File.ReadAllText(
        Path.Combine(PlatformProcesses.RepositoryRoot, "services", "Web", "Platform.Web", "node_modules", "axe-core", "axe.min.js")));

    private readonly Uri baseUrl;
    private readonly string profile = Path.Combine(Path.GetTempPath(), "platform-web-tests-" + Guid.NewGuid().ToString("N"));

    public Browser(Uri baseUrl, bool javaScript = true)
    {
        this.baseUrl = baseUrl;
        var options = new ChromeOptions { BinaryLocation = ChromiumPath };
        if (!javaScript)
        {
            options.AddUserProfilePreference("profile.managed_default_content_settings.javascript", 2);
        }

        options.AddArguments(
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run", "--lang=fr-FR", "--window-size=1280,1000", $"--user-data-dir={profile}");
        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(ChromedriverPath)!, Path.GetFileName(ChromedriverPath));
        service.SuppressInitialDiagnosticInformation = true;
        service.HideCommandPromptWindow = true;
        Driver = new ChromeDriver(service, options, TimeSpan.FromSeconds(60));
        Driver.Manage().Timeouts().AsynchronousJavaScript = TimeSpan.FromSeconds(60);
    }

    public ChromeDriver Driver { get; }

    public string Url => Driver.Url;

    public string PageText => Driver.FindElement(By.TagName("body")).Text;

    public void Open(string path) => Driver.Navigate().GoToUrl(new Uri(baseUrl, path));

    public IWebElement Find(string css) => Driver.FindElement(By.CssSelector(css));

    public IReadOnlyList<IWebElement> FindAll(string css) => Driver.FindElements(By.CssSelector(css));

    public void Type(string css, string text)
    {
        var field = Find(css);
        field.Clear();
        field.SendKeys(text);
    }

    public void Choose(string selectCss, string value) => Find($"{selectCss} option[value='{value}']").Click();

    /// <summary>Sets a field the way a person's date picker would (typing into a date input depends on the browser's locale).</summary>
    public void SetValue(string css, string value) => Driver.ExecuteScript("arguments[0].value = arguments[1];", Find(css), value);

    /// <summary>Clicks something that loads a new page, and waits until it has.</summary>
    /// <remarks>
    /// The old page is marked with a window property that a new page does not have. Watching the old page's elements
    /// go stale is not enough: recent Chromium answers a lookup on a node of the unloaded document with an "unknown
    /// error" instead of a stale-element error.
    /// </remarks>
    public void ClickAndWait(string css)
    {
        var marker = Guid.NewGuid().ToString("N");
        Driver.ExecuteScript("window.platformPageMarker = arguments[0];", marker);
        Find(css).Click();
        new WebDriverWait(Driver, TimeSpan.FromSeconds(30)).Until(driver =>
        {
            try
            {
                return (bool)((IJavaScriptExecutor)driver).ExecuteScript(
                    "return window.platformPageMarker !== arguments[0] && document.readyState === 'complete';", marker)!;
            }
            catch (WebDriverException)
            {
                // The page is being replaced while the script runs; ask again.
                return false;
            }
        });
    }

    /// <summary>Signs in through the local provider: the web front's sign-in page, the provider's page, and back.</summary>
    public void SignIn(string role, string subject, string? departements = null)
    {
        Open("/sign-in");
        ClickAndWait("#provider-local");
        SignInAtProvider(role, subject, departements);
    }

    /// <summary>On the provider's sign-in page: picks the role, types the identifier, and comes back to the web front.</summary>
    public void SignInAtProvider(string role, string subject, string? departements = null)
    {
        Find($"label[for=role-{role}]").Click();
        Type("#Subject", subject);
        // Agents not named to a département sign in as national agents: the tests not about départements.
        if ((departements ?? (role == "recipient" ? null : "*")) is { } codes)
        {
            Type("#Departements", codes);
        }

        ClickAndWait("#sign-in");
    }

    public void SignOut() => ClickAndWait("[data-testid=sign-out]");

    /// <summary>Saves a screenshot of the whole page as <paramref name="name"/>.png, then fails on any serious or critical axe violation.</summary>
    public void Check(string name)
    {
        Screenshot(name);
        var violations = Accessibility();
        Assert.True(violations.Count == 0, $"Accessibility violations on {name} ({Url}):\n{string.Join("\n", violations)}");
    }

    public void Screenshot(string name)
    {
        Directory.CreateDirectory(ScreenshotFolder);
        var height = Convert.ToInt32(Driver.ExecuteScript("return Math.min(document.documentElement.scrollHeight, 6000);"), System.Globalization.CultureInfo.InvariantCulture);
        var size = Driver.Manage().Window.Size;
        Driver.Manage().Window.Size = new Size(1280, Math.Max(height, 800));
        Driver.GetScreenshot().SaveAsFile(Path.Combine(ScreenshotFolder, name + ".png"));
        Driver.Manage().Window.Size = size;
    }

    /// <summary>axe-core's violations of impact serious or critical, each as "rule (impact): help — targets".</summary>
    public IReadOnlyList<string> Accessibility()
    {
        Driver.ExecuteScript(AxeSource.Value);
        var json = (string?)Driver.ExecuteAsyncScript(
            """
            const done = arguments[arguments.length - 1];
            axe.run(document, { resultTypes: ['violations'] })
              .then(result => done(JSON.stringify(result.violations.map(v => ({
                  id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map(n => n.target.join(' ')) })))))
              .catch(error => done(JSON.stringify([{ id: 'axe-error', impact: 'critical', help: String(error), targets: [] }])));
            """);
        using var document = JsonDocument.Parse(json ?? "[]");
        return document.RootElement.EnumerateArray()
            .Where(violation => violation.GetProperty("impact").GetString() is "serious" or "critical")
            .Select(violation => $"{violation.GetProperty("id").GetString()} ({violation.GetProperty("impact").GetString()}): "
                + $"{violation.GetProperty("help").GetString()} — {string.Join(", ", violation.GetProperty("targets").EnumerateArray().Select(target => target.GetString()))}")
            .ToList();
    }

    public void Dispose()
    {
        Driver.Quit();
        Driver.Dispose();
        try
        {
            Directory.Delete(profile, recursive: true);
        }
        catch (IOException)
        {
            // Chromium may still hold a lock file for a moment; the temporary folder is left behind.
        }
    }
}

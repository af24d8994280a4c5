using Loyalty.Testing;
using Microsoft.Playwright;

namespace Loyalty.Browser.Tests;

/// <summary>
/// Azurite and a local host loaded with the demo program and its 50 members, shared by the
/// browser tests; each test opens its own headless Chromium (Debian's, never a downloaded one)
/// with a fresh profile.
/// </summary>
public class ConsoleBrowser : IAsyncLifetime
{
    /// <summary>Debian's Chromium; <c>LOYALTY_CHROMIUM</c> names another binary.</summary>
    public static string ChromiumPath { get; } = Environment.GetEnvironmentVariable("LOYALTY_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    // The flags this machine needs: no sandbox (root in a container), no GPU, and nothing that
    // reaches out (the network is closed; every attempt would fail and slow the start).
    private static readonly string[] Flags =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-quic",
    ];

    private Azurite? _azurite;
    private LocalHost? _host;
    private IPlaywright? _playwright;

    public LocalHost Host => _host ?? throw new InvalidOperationException("Not started.");

    /// <summary>Where screenshots go (artifacts/browser under the repository root).</summary>
    public static string Screenshots { get; } = Path.Combine(RepoPaths.Root, "artifacts", "browser");

    /// <summary>Settings laid over the demo host's; a fixture that starts stand-ins first names them here.</summary>
    protected virtual Task<Dictionary<string, string>> HostSettingsAsync() => Task.FromResult(new Dictionary<string, string>());

    public async ValueTask InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"Chromium is not installed at {ChromiumPath}: install Debian's chromium package (.ci/run does), or set LOYALTY_CHROMIUM.");
        }

        Directory.CreateDirectory(Screenshots);
        _azurite = await Azurite.StartAsync();
        var settings = await HostSettingsAsync();
        settings["Loyalty__Local__SeedDemo"] = "true";
        _host = await LocalHost.StartAsync(_azurite.ConnectionString, settings);
        _playwright = await Playwright.CreateAsync();
    }

    /// <summary>A new Chromium with an empty profile of its own, at <paramref name="width"/> × <paramref name="height"/> in <paramref name="locale"/>.</summary>
    public async Task<Session> OpenAsync(int width = 1280, int height = 900, string locale = "en-GB")
    {
        var profile = Directory.CreateTempSubdirectory("loyalty-chromium-");
        var context = await _playwright!.Chromium.LaunchPersistentContextAsync(profile.FullName, new BrowserTypeLaunchPersistentContextOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = Flags,
            ViewportSize = new ViewportSize { Width = width, Height = height },
            Locale = locale,
            BaseURL = Host.BaseAddress.ToString(),
            AcceptDownloads = true,
            Timeout = 60_000,
        });
        context.SetDefaultTimeout(60_000);
        return new Session(context, profile, Host.BaseAddress);
    }

    public virtual async ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        _playwright?.Dispose();
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        if (_azurite is not null)
        {
            await _azurite.DisposeAsync();
        }
    }
}

/// <summary>One browser with one page, recording every request it makes and every console error.</summary>
public sealed class Session : IAsyncDisposable
{
    private readonly IBrowserContext _context;
    private readonly DirectoryInfo _profile;

    internal Session(IBrowserContext context, DirectoryInfo profile, Uri origin)
    {
        _context = context;
        _profile = profile;
        Page = context.Pages.Count > 0 ? context.Pages[0] : context.NewPageAsync().GetAwaiter().GetResult();
        Page.Request += (_, r) => Requests.Add(r.Url);
        Page.Response += (_, r) =>
        {
            if (r.Status >= 400)
            {
                Errors.Add($"{r.Status} {r.Request.Method} {r.Url}");
            }
        };
        Page.Console += (_, m) =>
        {
            // A failed load is recorded with its address by the response handler above.
            if (m.Type == "error" && !m.Text.StartsWith("Failed to load resource", StringComparison.Ordinal))
            {
                Errors.Add(m.Text);
            }
        };
        Page.PageError += (_, e) => Errors.Add(e);
        Origin = origin.GetLeftPart(UriPartial.Authority);
    }

    public IPage Page { get; }

    /// <summary>Scheme, host and port of the service.</summary>
    public string Origin { get; }

    /// <summary>Every URL the page requested.</summary>
    public List<string> Requests { get; } = [];

    /// <summary>Answers of 400 and above, console errors and uncaught exceptions (a CSP violation is one).</summary>
    public List<string> Errors { get; } = [];

    /// <summary>Fails, listing them, when anything went wrong on the page.</summary>
    public void AssertNoErrors() => Assert.True(Errors.Count == 0, string.Join(Environment.NewLine, Errors));

    /// <summary>Signs in through the form with <paramref name="key"/> and waits for the members list.</summary>
    public async Task SignInAsync(string key = LocalHost.AdminKey)
    {
        await Page.GotoAsync("/console/members");
        await Page.WaitForURLAsync("**/console/sign-in");
        await Page.FillAsync("#key", key);
        await Page.ClickAsync("#sign-in button[type=submit]");
        await Page.WaitForURLAsync("**/console/members*");
        await ReadyAsync();
    }

    /// <summary>Waits until the page's script has loaded its data.</summary>
    public Task ReadyAsync() => Page.WaitForSelectorAsync("body[data-ready=true]");

    /// <summary>The text of the description beside <c>dt</c> key <paramref name="key"/>.</summary>
    public async Task<string> ValueAsync(string key) => (await Page.TextContentAsync($"dd[data-key={key}]"))!.Trim();

    /// <summary>Saves a full-page screenshot under artifacts/browser.</summary>
    public Task ShotAsync(string name) => Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ConsoleBrowser.Screenshots, name + ".png"), FullPage = true });

    /// <summary>Whether the page is wider than the window (something scrolls sideways).</summary>
    public Task<bool> ScrollsSidewaysAsync() => Page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth > window.innerWidth");

    public async ValueTask DisposeAsync()
    {
        await _context.CloseAsync();
        try
        {
            _profile.Delete(recursive: true);
        }
        catch (IOException)
        {
            // Chromium may still be letting go of a file; the temporary folder is the system's to clean.
        }
    }
}

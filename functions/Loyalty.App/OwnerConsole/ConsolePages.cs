using System.Collections.Frozen;
using System.Text;
using Loyalty.App.Configuration;
using Loyalty.App.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Loyalty.App.OwnerConsole;

/// <summary>
/// The owner's console under <c>/console</c>: sign-in and sign-out, the members list and the
/// member page (one page shell each; <c>assets/console.js</c> builds the page from the JSON
/// routes, with <c>textContent</c> only), and the assets embedded in this assembly at build time
/// (Chart.js from node_modules, installed through the lockfile). Nothing is fetched from elsewhere.
/// </summary>
public sealed class ConsolePages(IOptions<LoyaltyOptions> options, TimeProvider clock, ILogger<ConsolePages> logger)
{
    /// <summary>How long a wrong key waits before it is answered, so guessing does not pay.</summary>
    public static readonly TimeSpan WrongKeyDelay = TimeSpan.FromSeconds(1);

    private const string Prefix = "Loyalty.App.OwnerConsole.assets.";
    private const int MaxFormBytes = 4096;

    // Scripts and styles only from this origin; no inline script, no framing, no plug-ins.
    private const string Policy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    private static readonly FrozenDictionary<string, (byte[] Bytes, string Type)> Assets = LoadAssets();

    /// <summary><c>GET /console</c>: to the members list, or to sign-in.</summary>
    public IResult Home(HttpRequest request) =>
        Results.Redirect(SignedIn(request) ? "/console/members" : "/console/sign-in");

    /// <summary><c>GET /console/sign-in</c>: the sign-in form.</summary>
    public IResult SignInPage(HttpRequest request) => Page(request, "sign-in.html", StatusCodes.Status200OK);

    /// <summary>
    /// <c>POST /console/sign-in</c> (form field <c>key</c>): the admin key once, for a signed
    /// cookie. Any wrong key is answered alike, after <see cref="WrongKeyDelay"/>.
    /// </summary>
    public async Task<IResult> SignInAsync(HttpRequest request, CancellationToken ct)
    {
        if (!ConsoleSession.FromOwnOrigin(request))
        {
            return NotFromConsole();
        }

        var body = await RequestReading.ReadBodyAsync(request, MaxFormBytes, ct);
        var key = body is null ? null : FormValue(Encoding.UTF8.GetString(body), "key");
        if (key is null || !SecretRules.IsUsable(options.Value.AdminKey) || !AdminKey.Matches(key, options.Value.AdminKey!))
        {
            logger.LogWarning("Console sign-in refused");
            await Task.Delay(WrongKeyDelay, ct);
            return Page(request, "sign-in.html", StatusCodes.Status401Unauthorized, failed: true);
        }

        request.HttpContext.Response.Cookies.Append(ConsoleSession.CookieName, ConsoleSession.Mint(options.Value.AdminKey!, DateTimeOffset.UtcNow), ConsoleSession.Options(request, DateTimeOffset.UtcNow + ConsoleSession.Lifetime));
        logger.LogInformation("Console sign-in at {At}", clock.GetUtcNow());
        return Results.Redirect("/console/members", permanent: false, preserveMethod: false);
    }

    /// <summary><c>POST /console/sign-out</c>: removes the cookie.</summary>
    public IResult SignOut(HttpRequest request)
    {
        if (!ConsoleSession.FromOwnOrigin(request))
        {
            return NotFromConsole();
        }

        request.HttpContext.Response.Cookies.Delete(ConsoleSession.CookieName, ConsoleSession.Options(request, null));
        return Results.Redirect("/console/sign-in");
    }

    /// <summary><c>GET /console/members</c>: the members list (signed in), or to sign-in.</summary>
    public IResult MembersPage(HttpRequest request) =>
        SignedIn(request) ? Page(request, "members.html", StatusCodes.Status200OK) : Results.Redirect("/console/sign-in");

    /// <summary><c>GET /console/members/{memberId}</c>: the member page (signed in), or to sign-in.</summary>
    /// <summary><c>GET /console/import</c>: upload a spreadsheet, see the dry run's report, confirm.</summary>
    public IResult ImportPage(HttpRequest request) =>
        SignedIn(request) ? Page(request, "import.html", StatusCodes.Status200OK) : Results.Redirect("/console/sign-in");

    public IResult MemberPage(HttpRequest request, string memberId) =>
        SignedIn(request) ? Page(request, "member.html", StatusCodes.Status200OK) : Results.Redirect("/console/sign-in");

    /// <summary><c>GET /console/reports</c>: the reports page (signed in), or to sign-in.</summary>
    public IResult ReportsPage(HttpRequest request) =>
        SignedIn(request) ? Page(request, "reports.html", StatusCodes.Status200OK) : Results.Redirect("/console/sign-in");

    /// <summary><c>GET /console/assets/{name}</c>: a script, style sheet or Chart.js.</summary>
    public IResult Asset(HttpRequest request, string name)
    {
        if (!Assets.TryGetValue(name, out var asset) || name.EndsWith(".html", StringComparison.Ordinal))
        {
            return Problems.Create(StatusCodes.Status404NotFound, "not-found", "No such asset.", "The console has no asset of that name.");
        }

        Secure(request.HttpContext.Response);
        request.HttpContext.Response.Headers.CacheControl = "no-cache";
        return Results.Bytes(asset.Bytes, asset.Type);
    }

    private bool SignedIn(HttpRequest request) =>
        ConsoleSession.IsValid(request.Cookies[ConsoleSession.CookieName], options.Value.AdminKey, DateTimeOffset.UtcNow);

    private static IResult Page(HttpRequest request, string name, int status, bool failed = false)
    {
        var html = Encoding.UTF8.GetString(Assets[name].Bytes);
        if (failed)
        {
            html = html.Replace("data-failed=\"false\"", "data-failed=\"true\"", StringComparison.Ordinal);
        }

        Secure(request.HttpContext.Response);
        request.HttpContext.Response.Headers.CacheControl = "no-store";
        return Results.Content(html, "text/html; charset=utf-8", Encoding.UTF8, status);
    }

    private static IResult NotFromConsole() =>
        Problems.Create(StatusCodes.Status403Forbidden, "origin-not-allowed", "The request did not come from the console.", "State-changing console requests must carry this host's Origin header.");

    private static void Secure(HttpResponse response)
    {
        response.Headers.ContentSecurityPolicy = Policy;
        response.Headers.XContentTypeOptions = "nosniff";
        // Not "no-referrer": under it a browser sends "Origin: null" with a form POST, and the
        // sign-in and sign-out forms would fail the Origin check.
        response.Headers["Referrer-Policy"] = "same-origin";
    }

    private static string? FormValue(string form, string name)
    {
        foreach (var pair in form.Split('&'))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0 && Uri.UnescapeDataString(pair[..eq].Replace('+', ' ')) == name)
            {
                return Uri.UnescapeDataString(pair[(eq + 1)..].Replace('+', ' '));
            }
        }

        return null;
    }

    private static FrozenDictionary<string, (byte[] Bytes, string Type)> LoadAssets()
    {
        var assembly = typeof(ConsolePages).Assembly;
        var assets = new Dictionary<string, (byte[], string)>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            var name = resource[Prefix.Length..];
            var type = Path.GetExtension(name) switch
            {
                ".js" => "text/javascript; charset=utf-8",
                ".css" => "text/css; charset=utf-8",
                ".html" => "text/html; charset=utf-8",
                _ => "application/octet-stream",
            };
            assets[name] = (copy.ToArray(), type);
        }

        return assets.ToFrozenDictionary(StringComparer.Ordinal);
    }
}

using Loyalty.App.OwnerConsole;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace Loyalty.Functions;

/// <summary>
/// The owner's console (<c>HostContract.ConsoleRoutes</c>), each a line into <see cref="ConsolePages"/>.
/// Under <c>console/</c>: the Functions host refuses routes that begin with <c>admin</c>.
/// </summary>
public sealed class ConsoleFunctions(ConsolePages pages)
{
    [Function("ConsoleHome")]
    public IResult ConsoleHome([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "console")] HttpRequest request) =>
        pages.Home(request);

    [Function("ConsoleSignInPage")]
    public IResult ConsoleSignInPage([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "console/sign-in")] HttpRequest request) =>
        pages.SignInPage(request);

    [Function("ConsoleSignIn")]
    public Task<IResult> ConsoleSignIn([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "console/sign-in")] HttpRequest request, CancellationToken ct) =>
        pages.SignInAsync(request, ct);

    [Function("ConsoleSignOut")]
    public IResult ConsoleSignOut([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "console/sign-out")] HttpRequest request) =>
        pages.SignOut(request);

    [Function("ConsoleMembersPage")]
    public IResult ConsoleMembersPage([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "console/members")] HttpRequest request) =>
        pages.MembersPage(request);

    [Function("ConsoleMemberPage")]
    public IResult ConsoleMemberPage([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "console/members/{memberId}")] HttpRequest request, string memberId) =>
        pages.MemberPage(request, memberId);

    [Function("ConsoleImportPage")]
    public IResult ConsoleImportPage([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "console/import")] HttpRequest request) =>
        pages.ImportPage(request);

    [Function("ConsoleAsset")]
    public IResult ConsoleAsset([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "console/assets/{name}")] HttpRequest request, string name) =>
        pages.Asset(request, name);

    [Function("ConsoleReportsPage")]
    public IResult ConsoleReportsPage([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "console/reports")] HttpRequest request) =>
        pages.ReportsPage(request);
}

using Loyalty.App.Import;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace Loyalty.Functions;

/// <summary>Moving in from a spreadsheet and out again: each a line into the handler the local host uses too.</summary>
public sealed class ImportFunctions(ImportHandlers imports)
{
    [Function("ImportMembers")]
    public Task<IResult> ImportMembers([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/admin/imports")] HttpRequest request, CancellationToken ct) =>
        imports.ImportAsync(request, ct);

    [Function("ExportMembers")]
    public Task<IResult> ExportMembers([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/admin/exports/members")] HttpRequest request, CancellationToken ct) =>
        imports.ExportAsync(request, ct);
}

using Loyalty.App.Configuration;
using Loyalty.App.Http;
using Loyalty.Core;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Loyalty.App.Import;

/// <summary>
/// The console's upload (admin key or console session): <c>POST /api/admin/imports?dryRun=true</c>
/// with the file as the body answers the report and writes nothing; the same file again with
/// <c>confirm={fileHash}</c> (the dry run's hash, so the owner confirms the file they saw)
/// imports it. <c>GET /api/admin/exports/members</c>: every member in the same format.
/// </summary>
public sealed class ImportHandlers(Importer importer, MemberExport export, IOptions<LoyaltyOptions> options, ILogger<ImportHandlers> logger)
{
    /// <summary>Largest file the upload takes.</summary>
    public const int MaxFileBytes = 8 * 1024 * 1024;

    /// <summary>Most rows one upload imports (a request must end well inside the host's time limit); larger files go through the command line.</summary>
    public const int MaxUploadRows = 5_000;

    /// <summary>The upload: a dry run, or the confirmed import.</summary>
    public async Task<IResult> ImportAsync(HttpRequest request, CancellationToken ct)
    {
        if (AdminKey.Refuse(request, options.Value, logger) is { } refused)
        {
            return refused;
        }

        var dryRun = request.Query["dryRun"].ToString();
        var confirm = request.Query["confirm"].ToString();
        if (dryRun is not ("" or "true" or "false"))
        {
            return Problems.Invalid("dryRun", "dryRun: true or false.");
        }

        var isDryRun = dryRun == "true";
        if (!isDryRun && confirm.Length == 0)
        {
            return Problems.Invalid("confirm", "confirm: the fileHash of the dry run of this file (POST with dryRun=true first).");
        }

        var pairs = request.Query.Where(q => q.Key is not ("dryRun" or "confirm")).SelectMany(q => q.Value.Select(v => (q.Key, v ?? string.Empty)));
        var (importOptions, field, problem) = ImportArguments.Parse(pairs);
        if (importOptions is null)
        {
            return Problems.Invalid(field!, problem!);
        }

        var body = await RequestReading.ReadBodyAsync(request, MaxFileBytes, ct);
        if (body is null)
        {
            return Problems.TooLarge(MaxFileBytes);
        }

        var plan = importer.Plan(body, importOptions);
        if (plan.FileProblem is { } fileProblem)
        {
            return Problems.Create(StatusCodes.Status400BadRequest, "unreadable-file", "The file cannot be imported.", fileProblem);
        }

        if (plan.RowCount > MaxUploadRows)
        {
            return Problems.Create(StatusCodes.Status413PayloadTooLarge, "too-many-rows", "The file has too many rows for an upload.", $"An upload imports at most {MaxUploadRows} rows; this file has {plan.RowCount}. Import it from the command line (import FILE).");
        }

        if (!isDryRun && confirm != plan.FileHash)
        {
            return Problems.Create(StatusCodes.Status409Conflict, "file-changed", "This is not the file of the dry run.", "confirm names another file's hash: run the dry run of this file again and confirm that one.", "confirm");
        }

        var report = await importer.RunAsync(plan, isDryRun, Importer.DefaultParallelism, null, ct);
        return Results.Json(report, EventEnvelope.Json);
    }

    /// <summary>Every member as a CSV file the import reads back.</summary>
    public async Task<IResult> ExportAsync(HttpRequest request, CancellationToken ct)
    {
        if (AdminKey.Refuse(request, options.Value, logger) is { } refused)
        {
            return refused;
        }

        if (request.Query["format"] is { Count: > 0 } format && format.ToString() != "csv")
        {
            return Problems.Invalid("format", "format: csv (the only format of the export).");
        }

        return Results.File(await export.WriteAsync(ct), "text/csv; charset=utf-8", "members-export.csv");
    }
}

using System.Globalization;
using Loyalty.App.Import;
using Loyalty.Storage;

namespace Loyalty.Local;

/// <summary>
/// Operator commands of the local host (<c>dotnet run --project functions/Loyalty.Local -- NAME ...</c>):
/// each runs against the configured storage (starting Azurite when it is local and not running) and exits.
/// </summary>
public static class LocalCommands
{
    private static readonly Dictionary<string, Func<string[], Task<int>>> Commands = new(StringComparer.Ordinal)
    {
        ["import"] = ImportAsync,
        ["export"] = ExportAsync,
        ["audit"] = args => AuditCommand.RunAsync(args, Console.Out),
    };

    /// <summary>The command of that name, or null (then the host serves the API).</summary>
    public static Func<string[], Task<int>>? Find(string name) => Commands.GetValueOrDefault(name);

    /// <summary>
    /// <c>import FILE [--dry-run] [--encoding auto|utf-8|gb18030] [--delimiter comma|semicolon|tab]
    /// [--day-first|--month-first] [--column HEADER=FIELD]... [--tier NAME=TIER]... [--parallel N]</c>.
    /// Exit code 0 when every row is in, 2 when some rows are bad or refused, 1 when the file cannot be read.
    /// </summary>
    public static async Task<int> ImportAsync(string[] args)
    {
        if (args is not [var file, .. var rest] || file.StartsWith("--", StringComparison.Ordinal))
        {
            return Usage("import FILE [--dry-run] [--encoding auto|utf-8|gb18030] [--delimiter comma|semicolon|tab] [--day-first|--month-first] [--column HEADER=FIELD]... [--tier NAME=TIER]... [--parallel N]");
        }

        var (dryRun, parallelism, pairs) = (false, Importer.DefaultParallelism, new List<(string, string)>());
        for (var i = 0; i < rest.Length; i++)
        {
            switch (rest[i])
            {
                case "--dry-run":
                    dryRun = true;
                    break;
                case "--day-first" or "--month-first":
                    pairs.Add(("dates", rest[i][2..]));
                    break;
                case "--parallel" when i + 1 < rest.Length && int.TryParse(rest[i + 1], CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= 64:
                    parallelism = n;
                    i++;
                    break;
                case var option when option.StartsWith("--", StringComparison.Ordinal) && i + 1 < rest.Length:
                    pairs.Add((option[2..], rest[++i]));
                    break;
                default:
                    return Usage($"{rest[i]}: not an option of import (--parallel takes 1 to 64)");
            }
        }

        var (options, _, problem) = ImportArguments.Parse(pairs);
        if (options is null)
        {
            return Usage(problem!);
        }

        return await WithServicesAsync(async (services, ct) =>
        {
            var importer = services.GetRequiredService<Importer>();
            var plan = importer.Plan(await File.ReadAllBytesAsync(file, ct), options);
            if (plan.FileProblem is { } fileProblem)
            {
                await Console.Error.WriteLineAsync($"{file}: {fileProblem}");
                return 1;
            }

            Console.WriteLine($"{file}: {plan.RowCount} rows ({plan.Encoding}, delimiter {plan.Delimiter}, dates {plan.DateOrder}), file {plan.FileHash}{(dryRun ? ", dry run: nothing is written" : string.Empty)}");
            foreach (var line in plan.Warnings.Concat(plan.IgnoredColumns.Select(c => $"column '{c}' is not imported")))
            {
                Console.WriteLine("  note: " + line);
            }

            var report = await importer.RunAsync(plan, dryRun, parallelism, new ConsoleProgress(), ct);
            Console.Error.WriteLine();
            foreach (var bad in report.BadRows)
            {
                Console.WriteLine($"  line {bad.Line} (row {bad.Row}): {bad.Reason}");
            }

            foreach (var r in report.Refused)
            {
                Console.WriteLine($"  line {r.Line} (row {r.Row}), member {r.MemberId}: {r.Reason}");
            }

            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"{(dryRun ? "would import" : "imported")} {report.Imported} members with {report.Points} points; {report.AlreadyImported} already imported from this file; {report.BadRows.Count} bad rows; {report.Refused.Count} refused; {report.Seconds} s, {report.RowsPerSecond} rows/s"));
            return report.BadRows.Count + report.Refused.Count > 0 ? 2 : 0;
        });
    }

    /// <summary><c>export FILE</c>: every member in the import's format.</summary>
    public static async Task<int> ExportAsync(string[] args)
    {
        if (args is not [var file])
        {
            return Usage("export FILE");
        }

        return await WithServicesAsync(async (services, ct) =>
        {
            var bytes = await services.GetRequiredService<MemberExport>().WriteAsync(ct);
            await File.WriteAllBytesAsync(file, bytes, ct);
            Console.WriteLine($"{file}: {bytes.Length} bytes");
            return 0;
        });
    }

    // The host's services without serving: Azurite (when local) and the tables, nothing else.
    private static async Task<int> WithServicesAsync(Func<IServiceProvider, CancellationToken, Task<int>> run)
    {
        await using var app = LocalApp.Create([], new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Warning" });
        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };
        var azurite = app.Services.GetServices<IHostedService>().OfType<AzuriteLauncher>().Single();
        await azurite.StartAsync(cancel.Token);
        try
        {
            await app.Services.GetRequiredService<StorageClients>().EnsureCreatedAsync(cancel.Token);
            return await run(app.Services, cancel.Token);
        }
        finally
        {
            await azurite.StopAsync(CancellationToken.None);
        }
    }

    // Written as it is reported (not posted to the thread pool), so the last line is never lost.
    private sealed class ConsoleProgress : IProgress<ImportProgress>
    {
        public void Report(ImportProgress value) => Console.Error.Write(string.Create(
            CultureInfo.InvariantCulture,
            $"\r  {value.Done} of {value.Total} rows, {value.Rate:0} rows/s, {(value.Left is { } left ? $"{left.TotalSeconds:0} s left" : "...")}   "));
    }

    private static int Usage(string message)
    {
        Console.Error.WriteLine(message);
        return 1;
    }
}

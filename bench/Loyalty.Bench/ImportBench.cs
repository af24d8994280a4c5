using System.Diagnostics;
using System.Globalization;
using Loyalty.App.Import;
using Loyalty.Local;
using Loyalty.Storage;
using Loyalty.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Loyalty.Bench;

/// <summary>
/// <c>import</c> mode: rows per second of moving in from a spreadsheet, on the local host's
/// services over Azurite. For each size a generated GB18030 file with Chinese headers (the
/// end-to-end test's kind, no bad rows, members of its own) is read, dry-run, imported and
/// imported again (nothing changes), each timed and counted in table requests per row.
/// </summary>
internal static class ImportBench
{
    public const string Usage = """
        dotnet run -c Release --project bench/Loyalty.Bench -- import [options]

          --rows 2000,20000   file sizes, each with members of its own
          --parallel 8        members imported at once (the command line's --parallel)
          --dry-run-only 0    sizes that are only read and dry-run (no import), e.g. 20000 when
                              a real import of that size would take too long on Azurite
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Contains("--help") || args.Contains("-h"))
        {
            Console.WriteLine(Usage);
            return 0;
        }

        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        var sizes = Args.IntList(args, "--rows", [2_000, 20_000]);
        var parallel = Args.Int(args, "--parallel", Importer.DefaultParallelism);
        var dryOnly = Args.IntList(args, "--dry-run-only", []);
        Console.WriteLine($"Import benchmark: files of {string.Join(", ", sizes.Select(s => s.ToString("N0", CultureInfo.InvariantCulture)))} rows, {parallel} members at once, {Environment.ProcessorCount} cores");
        await using var azurite = await Azurite.StartAsync();
        await using var app = LocalApp.Create([], new Dictionary<string, string?>
        {
            ["Loyalty:Storage:ConnectionString"] = azurite.ConnectionString,
            ["Loyalty:Local:StartAzurite"] = "false",
            ["Loyalty:DirectoryKey"] = "bench-directory-key-not-for-production",
            ["Logging:LogLevel:Default"] = "Warning",
        });
        var clients = app.Services.GetRequiredService<StorageClients>();
        await clients.EnsureCreatedAsync(CancellationToken.None);
        var importer = app.Services.GetRequiredService<Importer>();
        var (options, _, _) = ImportArguments.Parse(ImportSample.TierMap);

        Console.WriteLine();
        Console.WriteLine($"{"rows",8}{"read s",9}{"dry run rows/s",16}{"req/row",9}{"import rows/s",15}{"req/row",9}{"again rows/s",14}{"req/row",9}");
        var firstId = 1;
        var failed = false;
        foreach (var rows in sizes)
        {
            var sample = ImportSample.Generate(rows, 0, firstId);
            firstId += rows;
            var clock = Stopwatch.StartNew();
            var plan = importer.Plan(sample.Bytes, options!);
            var read = clock.Elapsed.TotalSeconds;
            var dry = await MeasureAsync(true);
            if (dryOnly.Contains(rows))
            {
                Console.WriteLine($"{rows,8:N0}{read,9:F2}{dry.Rate,16:F0}{dry.PerRow,9:F2}{"dry run only",24}");
                if (dry.Report.Rows != rows || dry.Report.BadRows.Count != 0 || dry.Report.Refused.Count != 0)
                {
                    Console.WriteLine($"   check failed: the dry run read {dry.Report.Rows} of {rows} rows, {dry.Report.BadRows.Count} bad and {dry.Report.Refused.Count} refused");
                    failed = true;
                }

                continue;
            }

            var real = await MeasureAsync(false);
            var again = await MeasureAsync(false);
            Console.WriteLine($"{rows,8:N0}{read,9:F2}{dry.Rate,16:F0}{dry.PerRow,9:F2}{real.Rate,15:F0}{real.PerRow,9:F2}{again.Rate,14:F0}{again.PerRow,9:F2}");
            if (real.Report.Imported != rows || again.Report.AlreadyImported != rows || again.Report.Imported != 0)
            {
                Console.WriteLine($"   check failed: imported {real.Report.Imported}, then {again.Report.Imported} imported and {again.Report.AlreadyImported} already imported, of {rows}");
                failed = true;
            }

            async Task<(double Rate, double PerRow, ImportReport Report)> MeasureAsync(bool dryRun)
            {
                var before = clients.Counter.TableRequests;
                var watch = Stopwatch.StartNew();
                var report = await importer.RunAsync(plan, dryRun, parallel, null, CancellationToken.None);
                return (rows / watch.Elapsed.TotalSeconds, (clients.Counter.TableRequests - before) / (double)rows, report);
            }
        }

        // The operator's audit: every member came in through the member path.
        failed |= !await BenchAudit.RunAsync(app.Services);
        return failed ? 1 : 0;
    }
}

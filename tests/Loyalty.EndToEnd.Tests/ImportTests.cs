using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Loyalty.App.Import;
using Loyalty.App.Operations;
using Loyalty.Core;
using Loyalty.Testing;

namespace Loyalty.EndToEnd.Tests;

/// <summary>An Azurite and a local host of their own: the import tests compare the whole account before and after.</summary>
public sealed class ImportFixture : ServiceFixture;

[CollectionDefinition(Name)]
public sealed class ImportCollection : ICollectionFixture<ImportFixture>
{
    public const string Name = "import";
}

/// <summary>
/// Moving in from a spreadsheet through the local host on Azurite: the console's upload (dry
/// run, then the confirmed file), the command line, the export read back by the import.
/// </summary>
[Collection(ImportCollection.Name)]
public sealed class ImportTests(ImportFixture service)
{
    // The local host's development key (functions/Loyalty.Local/appsettings.json), which derives the ids.
    private const string DirectoryKey = "local-directory-key-for-development-only";

    private static string Query(IEnumerable<(string Name, string Value)> pairs) =>
        string.Join('&', pairs.Select(p => $"{p.Name}={Uri.EscapeDataString(p.Value)}"));

    private async Task<(HttpStatusCode Status, JsonObject Body)> UploadAsync(byte[] file, string query)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/admin/imports?" + query) { Content = new ByteArrayContent(file) };
        request.Content.Headers.ContentType = new("text/csv");
        request.Headers.Add("x-functions-key", LocalHost.AdminKey);
        using var response = await service.Client.SendAsync(request);
        return (response.StatusCode, (await response.Content.ReadFromJsonAsync<JsonObject>())!);
    }

    [Fact]
    public async Task A_2000_row_GB18030_file_with_Chinese_headers_is_checked_imported_once_audited_and_exported_in_a_format_the_import_reads_back()
    {
        var sample = ImportSample.Generate(2_000, 20);
        var tiers = Query(ImportSample.TierMap);

        // Dry run: exactly the planted lines, with reasons that hold none of their values; nothing written.
        var before = await service.SnapshotAsync();
        var (status, dry) = await UploadAsync(sample.Bytes, "dryRun=true&" + tiers);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(sample.BadLines, dry["badRows"]!.AsArray().Select(b => b!["line"]!.GetValue<int>()));
        Assert.All(dry["badRows"]!.AsArray(), b => Assert.DoesNotContain(sample.PersonalValues, v => b!["reason"]!.GetValue<string>().Contains(v, StringComparison.Ordinal)));
        Assert.Equal((sample.GoodRows, sample.GoodPoints, "gb18030"), (dry["imported"]!.GetValue<int>(), dry["points"]!.GetValue<long>(), dry["encoding"]!.GetValue<string>()));
        Assert.Empty((await service.SnapshotAsync()).ChangesSince(before));
        var fileHash = dry["fileHash"]!.GetValue<string>();

        // Without the dry run's hash, or with another file's, the upload imports nothing.
        Assert.Equal(HttpStatusCode.BadRequest, (await UploadAsync(sample.Bytes, tiers)).Status);
        Assert.Equal(HttpStatusCode.Conflict, (await UploadAsync(sample.Bytes, $"confirm=0123456789abcdef01234567&{tiers}")).Status);
        Assert.Empty((await service.SnapshotAsync()).ChangesSince(before));

        // The real run from the command line, with its progress.
        var path = Path.Combine(Path.GetTempPath(), $"import-{Guid.NewGuid():N}.csv");
        await File.WriteAllBytesAsync(path, sample.Bytes);
        var (exit, stdout, stderr) = await RunCliAsync(["import", path, .. ImportSample.TierMap.SelectMany(t => new[] { "--tier", t.Value })]);
        File.Delete(path);
        Assert.True(exit == 2, $"exit {exit}\n{stdout}\n{stderr}");
        Assert.Contains($"imported {sample.GoodRows} members with {sample.GoodPoints} points; 0 already imported from this file; 20 bad rows; 0 refused", stdout, StringComparison.Ordinal);
        Assert.Contains($"{sample.GoodRows} of {sample.GoodRows} rows", stderr, StringComparison.Ordinal);
        Assert.Contains("rows/s", stderr, StringComparison.Ordinal);

        // The audit: every member partition consistent, the opening points all there, each as one imported entry.
        var members = await MemberAudit.ReadAsync(service.Azurite.ConnectionString);
        Assert.Equal(sample.GoodRows, members.Count);
        Assert.Empty(MemberAudit.Inconsistencies(members));
        Assert.Equal(sample.GoodPoints, members.Values.Sum(m => m.Balance));
        Assert.All(members.Values, m => Assert.All(m.Ledger, e => Assert.Contains(e.Kind, new[] { LedgerKinds.Imported, LedgerKinds.TierChanged })));

        // The same file again (the console's confirmed upload) changes nothing.
        var imported = await service.SnapshotAsync();
        var (againStatus, again) = await UploadAsync(sample.Bytes, $"confirm={fileHash}&{tiers}");
        Assert.Equal(HttpStatusCode.OK, againStatus);
        Assert.Equal((0, sample.GoodRows), (again["imported"]!.GetValue<int>(), again["alreadyImported"]!.GetValue<int>()));
        Assert.Empty((await service.SnapshotAsync()).ChangesSince(imported));

        // An imported member earns like any other.
        (await service.PostEventAsync(Payloads.GenericPurchase("t:vip-000003:o1:paid", "vip-000003", "imp-order-1", 40m, 1))).Dispose();
        var opening = members["vip-000003"].Balance;
        await service.WaitForMemberAsync("vip-000003", m => ServiceFixture.Balance(m) > opening);

        // The export reads back as the same members (names, contacts, points, tier, spend, dates, consent).
        using var exportRequest = new HttpRequestMessage(HttpMethod.Get, "api/admin/exports/members");
        exportRequest.Headers.Add("x-functions-key", LocalHost.AdminKey);
        using var exportResponse = await service.Client.SendAsync(exportRequest);
        Assert.Equal(HttpStatusCode.OK, exportResponse.StatusCode);
        var exported = await exportResponse.Content.ReadAsByteArrayAsync();
        Assert.Equal([0xEF, 0xBB, 0xBF], exported[..3]);
        var now = DateTimeOffset.UtcNow;
        var (tierOptions, _, _) = ImportArguments.Parse(ImportSample.TierMap);
        var original = ImportFile.Read(sample.Bytes, tierOptions!, LoyaltyProgram.Demo, DirectoryKey, now).Rows.ToDictionary(r => r.Event.MemberId, r => r.Event);
        var back = ImportFile.Read(exported, new ImportOptions(), LoyaltyProgram.Demo, DirectoryKey, now);
        Assert.Empty(back.Problems);
        Assert.Equal(original.Keys.Order(StringComparer.Ordinal), back.Rows.Select(r => r.Event.MemberId));
        foreach (var e in back.Rows.Select(r => r.Event).Where(e => e.MemberId != "vip-000003"))
        {
            var o = original[e.MemberId];
            Assert.Equal(o.Profile, e.Profile);
            Assert.Equal((o.OpeningBalance, o.TierId ?? "member", o.LifetimeSpend ?? 0m, o.LastPurchaseAt), (e.OpeningBalance, e.TierId ?? "member", e.LifetimeSpend ?? 0m, e.LastPurchaseAt));
            Assert.Equal(Lots.ExpiryFor(LoyaltyProgram.Demo, now), e.LotExpiresOn);
        }
    }

    private async Task<(int Exit, string Stdout, string Stderr)> RunCliAsync(IEnumerable<string> args)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(LocalHost.LocalHostDll)!,
        };
        psi.ArgumentList.Add(LocalHost.LocalHostDll);
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment["Loyalty__Storage__ConnectionString"] = service.Azurite.ConnectionString;
        psi.Environment["Loyalty__Local__StartAzurite"] = "false";
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }
}

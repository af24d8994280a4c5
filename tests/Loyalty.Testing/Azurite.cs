using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Loyalty.Testing;

/// <summary>
/// A real Azurite (from the repository's node_modules) on free loopback ports, in memory,
/// started for a test fixture and killed when disposed.
/// </summary>
public sealed partial class Azurite : IAsyncDisposable
{
    /// <summary>Azurite's well-known development account key (public, documented by Microsoft).</summary>
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private readonly Process _process;

    private Azurite(Process process, int queuePort, int tablePort, int blobPort)
    {
        _process = process;
        QueuePort = queuePort;
        TablePort = tablePort;
        BlobPort = blobPort;
    }

    /// <summary>Port of the queue service.</summary>
    public int QueuePort { get; }

    /// <summary>Port of the table service.</summary>
    public int TablePort { get; }

    /// <summary>Port of the blob service.</summary>
    public int BlobPort { get; }

    /// <summary>A connection string for this instance.</summary>
    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AccountKey};" +
        $"BlobEndpoint=http://127.0.0.1:{BlobPort}/devstoreaccount1;" +
        $"QueueEndpoint=http://127.0.0.1:{QueuePort}/devstoreaccount1;" +
        $"TableEndpoint=http://127.0.0.1:{TablePort}/devstoreaccount1;";

    /// <summary>Starts Azurite in memory on ports the OS picks, and waits until all three services listen.</summary>
    public static async Task<Azurite> StartAsync(CancellationToken ct = default)
    {
        var script = Path.Combine(RepoPaths.Root, "node_modules", "azurite", "dist", "src", "azurite.js");
        if (!File.Exists(script))
        {
            throw new InvalidOperationException("Azurite is not installed: run 'npm ci' in the repository root.");
        }

        var psi = new ProcessStartInfo("node")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
        {
            script, "--inMemoryPersistence", "--skipApiVersionCheck", "--disableTelemetry", "--loose",
            "--blobHost", "127.0.0.1", "--blobPort", "0",
            "--queueHost", "127.0.0.1", "--queuePort", "0",
            "--tableHost", "127.0.0.1", "--tablePort", "0",
        })
        {
            psi.ArgumentList.Add(arg);
        }

        var process = Process.Start(psi) ?? throw new InvalidOperationException("node did not start.");
        int blob = 0, queue = 0, table = 0;
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                ready.TrySetException(new InvalidOperationException("Azurite exited before it listened."));
                return;
            }

            var m = Listening().Match(e.Data);
            if (!m.Success)
            {
                return;
            }

            var port = int.Parse(m.Groups["port"].Value, System.Globalization.CultureInfo.InvariantCulture);
            switch (m.Groups["svc"].Value)
            {
                case "Blob": blob = port; break;
                case "Queue": queue = port; break;
                case "Table": table = port; break;
            }

            if (blob > 0 && queue > 0 && table > 0)
            {
                ready.TrySetResult();
            }
        };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await ready.Task.WaitAsync(TimeSpan.FromSeconds(60), ct);
        }
        catch
        {
            Kill(process);
            throw;
        }

        return new Azurite(process, queue, table, blob);
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        Kill(_process);
        _process.Dispose();
        return ValueTask.CompletedTask;
    }

    private static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    [GeneratedRegex(@"Azurite (?<svc>Blob|Queue|Table) service is successfully listening at http://[^:]+:(?<port>\d+)")]
    private static partial Regex Listening();
}

using System.Diagnostics;
using System.Net.Sockets;
using Loyalty.Storage;
using Microsoft.Extensions.Options;

namespace Loyalty.Local;

/// <summary>
/// Starts Azurite from the repository's node_modules on its default ports when storage is the
/// development account and nothing listens there yet; stops it with the host.
/// </summary>
public sealed class AzuriteLauncher(
    IOptions<StorageOptions> storage,
    IOptions<LocalOptions> options,
    IHostEnvironment environment,
    ILogger<AzuriteLauncher> logger) : IHostedService, IDisposable
{
    private static readonly int[] Ports = [10000, 10001, 10002];
    private Process? _process;

    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var usesDevelopmentStorage = string.Equals(storage.Value.ConnectionString?.Trim(), "UseDevelopmentStorage=true", StringComparison.OrdinalIgnoreCase);
        if (!options.Value.StartAzurite || !usesDevelopmentStorage)
        {
            return;
        }

        if (await AllListeningAsync(cancellationToken))
        {
            logger.LogInformation("Azurite already listens on 10000-10002; using it");
            return;
        }

        var root = FindRepositoryRoot(environment.ContentRootPath)
            ?? throw new InvalidOperationException("Azurite is not running and node_modules/azurite was not found: run 'npm ci' in the repository root.");
        var psi = new ProcessStartInfo("node") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = root };
        psi.ArgumentList.Add(Path.Combine(root, "node_modules", "azurite", "dist", "src", "azurite.js"));
        foreach (var arg in new[] { "--skipApiVersionCheck", "--disableTelemetry", "--loose", "--silent" })
        {
            psi.ArgumentList.Add(arg);
        }

        if (string.IsNullOrWhiteSpace(options.Value.AzuriteLocation))
        {
            psi.ArgumentList.Add("--inMemoryPersistence");
        }
        else
        {
            var location = Path.Combine(root, options.Value.AzuriteLocation);
            Directory.CreateDirectory(location);
            psi.ArgumentList.Add("--location");
            psi.ArgumentList.Add(location);
        }

        _process = Process.Start(psi) ?? throw new InvalidOperationException("Could not start node for Azurite.");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!await AllListeningAsync(cancellationToken))
        {
            if (_process.HasExited || DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException("Azurite did not start listening on ports 10000-10002.");
            }

            await Task.Delay(200, cancellationToken);
        }

        logger.LogInformation("Started Azurite (data in {Location})", string.IsNullOrWhiteSpace(options.Value.AzuriteLocation) ? "memory" : options.Value.AzuriteLocation);
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }

        _process?.Dispose();
        _process = null;
    }

    private static async Task<bool> AllListeningAsync(CancellationToken ct)
    {
        foreach (var port in Ports)
        {
            using var client = new TcpClient();
            try
            {
                await client.ConnectAsync("127.0.0.1", port, ct).AsTask().WaitAsync(TimeSpan.FromSeconds(1), ct);
            }
            catch (Exception ex) when (ex is SocketException or TimeoutException)
            {
                return false;
            }
        }

        return true;
    }

    private static string? FindRepositoryRoot(string start)
    {
        foreach (var from in new[] { start, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(from); dir is not null; dir = dir.Parent)
            {
                if (Directory.Exists(Path.Combine(dir.FullName, "node_modules", "azurite")))
                {
                    return dir.FullName;
                }
            }
        }

        return null;
    }
}

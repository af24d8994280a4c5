using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Loyalty.Testing;

/// <summary>
/// The real local host (functions/Loyalty.Local) as a child process on a free loopback port,
/// pointed at a given Azurite, with known secrets. Killed (SIGKILL) or stopped by the test.
/// </summary>
public sealed class LocalHost : IAsyncDisposable
{
    /// <summary>The admin key the host is started with.</summary>
    public const string AdminKey = "test-admin-key-5f0c2a7e";

    /// <summary>The storefront key the host is started with.</summary>
    public const string StorefrontKey = "test-storefront-key-9b41d3";

    /// <summary>The Shopify webhook secret the host is started with.</summary>
    public const string ShopifySecret = "test-shopify-secret-3c8e";

    /// <summary>The WooCommerce webhook secret the host is started with.</summary>
    public const string WooCommerceSecret = "test-woocommerce-secret-71aa";

    /// <summary>The generic API signing secret the host is started with.</summary>
    public const string ApiSecret = "test-api-secret-e25b9d";

    /// <summary>The member page's link key (<c>Loyalty:MemberPage:LinkSecret</c>).</summary>
    public const string MemberPageSecret = "test-member-page-secret-40d7e1";

    private readonly Process _process;
    private readonly StringBuilder _output;

    private LocalHost(Process process, Uri baseAddress, StringBuilder output)
    {
        _process = process;
        BaseAddress = baseAddress;
        _output = output;
    }

    /// <summary>Where the host listens, e.g. http://127.0.0.1:40123/.</summary>
    public Uri BaseAddress { get; }

    /// <summary>Whether the process has exited.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>What the host printed so far (for failure messages).</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>The built Loyalty.Local.dll beside this test build (same configuration).</summary>
    public static string LocalHostDll
    {
        get
        {
            var tfmDir = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            var configuration = tfmDir.Parent?.Name ?? "Debug";
            return Path.Combine(RepoPaths.Root, "functions", "Loyalty.Local", "bin", configuration, tfmDir.Name, "Loyalty.Local.dll");
        }
    }

    /// <summary>Starts the host against <paramref name="storageConnectionString"/> and waits until it answers.</summary>
    public static async Task<LocalHost> StartAsync(string storageConnectionString, IReadOnlyDictionary<string, string>? settings = null, CancellationToken ct = default)
    {
        var port = FreePort();
        var psi = Command(storageConnectionString, settings);
        psi.Environment["ASPNETCORE_URLS"] = psi.Environment["Urls"] = $"http://127.0.0.1:{port}";
        var process = Process.Start(psi) ?? throw new InvalidOperationException("dotnet did not start.");
        var output = new StringBuilder();
        void Append(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (output)
            {
                if (output.Length < 200_000)
                {
                    output.AppendLine(line);
                }
            }
        }

        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var host = new LocalHost(process, new Uri($"http://127.0.0.1:{port}/"), output);
        using var client = new HttpClient { BaseAddress = host.BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException("The local host exited during start:\n" + host.Output);
            }

            try
            {
                using var response = await client.GetAsync("api/program", ct);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return host;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested)
            {
                // Slow start.
            }

            if (DateTime.UtcNow > deadline)
            {
                await host.DisposeAsync();
                throw new TimeoutException("The local host did not answer within 90 s:\n" + host.Output);
            }

            await Task.Delay(200, ct);
        }
    }

    /// <summary>
    /// Runs the operator's audit (the built local host's <c>audit</c> command) against
    /// <paramref name="storageConnectionString"/> with the settings a host started with
    /// <paramref name="settings"/> gets: every member partition, the directory and the reports.
    /// Returns its exit code (0 when everything agrees) and what it printed.
    /// </summary>
    public static async Task<(int ExitCode, string Output)> AuditAsync(string storageConnectionString, IReadOnlyDictionary<string, string>? settings = null, CancellationToken ct = default)
    {
        var psi = Command(storageConnectionString, settings);
        psi.ArgumentList.Add("audit");
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("dotnet did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromMinutes(5));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("The audit did not finish within 5 minutes.");
        }

        return (process.ExitCode, await stdout + await stderr);
    }

    // `dotnet Loyalty.Local.dll` with the test settings (and `settings` over them) in its environment.
    private static ProcessStartInfo Command(string storageConnectionString, IReadOnlyDictionary<string, string>? settings)
    {
        var dll = LocalHostDll;
        if (!File.Exists(dll))
        {
            throw new InvalidOperationException($"The local host is not built: {dll}");
        }

        var psi = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        psi.ArgumentList.Add(dll);
        var env = new Dictionary<string, string>
        {
            ["Loyalty__Storage__ConnectionString"] = storageConnectionString,
            ["Loyalty__Local__StartAzurite"] = "false",
            ["Loyalty__Local__SeedDemo"] = "false",
            ["Loyalty__AdminKey"] = AdminKey,
            ["Loyalty__StorefrontKey"] = StorefrontKey,
            ["Loyalty__Webhooks__ShopifySecret"] = ShopifySecret,
            ["Loyalty__Webhooks__WooCommerceSecret"] = WooCommerceSecret,
            ["Loyalty__Api__SigningSecret"] = ApiSecret,
            ["Loyalty__MemberPage__LinkSecret"] = MemberPageSecret,
            ["Loyalty__Processing__RetryDelaySeconds"] = "0.2",
            // Tests run jobs through the admin route; a timer firing mid-test would write the schedule table.
            ["Loyalty__Local__RunTimers"] = "false",
            ["Logging__LogLevel__Default"] = "Warning",
            ["Logging__Console__FormatterName"] = "simple",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            env[key] = value;
        }

        foreach (var (key, value) in env)
        {
            psi.Environment[key] = value;
        }

        return psi;
    }

    /// <summary>An HTTP client for this host.</summary>
    public HttpClient CreateClient() => new() { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };

    /// <summary>Kills the process at once, as a crash would (SIGKILL).</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
    }

    /// <summary>Asks the process to stop (SIGTERM) and waits for it.</summary>
    public async Task StopAsync(TimeSpan timeout)
    {
        if (_process.HasExited)
        {
            return;
        }

        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            Kill();
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        Kill();
        _process.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>A loopback port nothing listens on now.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

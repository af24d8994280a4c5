using System.Diagnostics;
using System.Net;
using System.Text;
using Loyalty.Testing;

namespace Loyalty.EndToEnd.Tests;

/// <summary>
/// <c>scripts/run.sh</c> as a process manager or a terminal runs it: a signal to the script's own
/// process id stops the service gracefully, even when a shell started it in the background
/// (which hands the script SIGINT ignored).
/// </summary>
public sealed class RunScriptTests
{
    [Theory]
    [InlineData("INT")]
    [InlineData("TERM")]
    public async Task The_run_script_stops_gracefully_on_a_signal_to_its_own_process_id(string signal)
    {
        await using var azurite = await Azurite.StartAsync();
        var port = LocalHost.FreePort();
        var psi = new ProcessStartInfo("bash")
        {
            WorkingDirectory = RepoPaths.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };

        // A non-interactive shell runs the script as a background job and prints its pid.
        foreach (var arg in new[]
        {
            "-c", "scripts/run.sh \"$@\" & echo \"pid=$!\"; wait", "run",
            "--urls", $"http://127.0.0.1:{port}",
            $"--Loyalty:Storage:ConnectionString={azurite.ConnectionString}",
            "--Loyalty:Local:StartAzurite=false", "--Loyalty:Local:PrintHints=false",
        })
        {
            psi.ArgumentList.Add(arg);
        }

        using var shell = Process.Start(psi)!;
        var output = new StringBuilder();
        var pid = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        shell.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            lock (output)
            {
                output.AppendLine(e.Data);
            }

            if (e.Data.StartsWith("pid=", StringComparison.Ordinal))
            {
                pid.TrySetResult(int.Parse(e.Data[4..], System.Globalization.CultureInfo.InvariantCulture));
            }
        };
        shell.ErrorDataReceived += (_, e) =>
        {
            lock (output)
            {
                output.AppendLine(e.Data);
            }
        };
        shell.BeginOutputReadLine();
        shell.BeginErrorReadLine();
        try
        {
            var script = await pid.Task.WaitAsync(TimeSpan.FromSeconds(30));
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
            await WaitUntilServingAsync(client, output);

            using (var kill = Process.Start("kill", [$"-{signal}", script.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }

            await Task.WhenAny(shell.WaitForExitAsync(), Task.Delay(TimeSpan.FromSeconds(40)));
            Assert.False(Alive(script), $"the host (pid {script}) is still running after SIG{signal}");
            Assert.Contains("Application is shutting down", Text(output), StringComparison.Ordinal);
        }
        finally
        {
            if (!shell.HasExited)
            {
                shell.Kill(entireProcessTree: true);
            }
        }
    }

    private static async Task WaitUntilServingAsync(HttpClient client, StringBuilder output)
    {
        // The script builds the local host first; on a loaded machine that takes a while.
        var deadline = DateTime.UtcNow.AddMinutes(4);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var response = await client.GetAsync("api/program");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(500);
        }

        throw new TimeoutException("run.sh did not start serving:\n" + Text(output));
    }

    private static bool Alive(int pid) => Directory.Exists($"/proc/{pid}") && !File.ReadAllText($"/proc/{pid}/stat").Contains(") Z ", StringComparison.Ordinal);

    private static string Text(StringBuilder output)
    {
        lock (output)
        {
            return output.ToString();
        }
    }
}

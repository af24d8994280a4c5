using System.Diagnostics;
using System.Text.Json;
using MimeKit;

namespace Loyalty.Testing;

/// <summary>One message the SMTP sink accepted: the envelope recipients and the parsed message.</summary>
public sealed record ReceivedMail(IReadOnlyList<string> To, MimeMessage Message);

/// <summary>
/// A real SMTP server (the npm package smtp-server, through tests/Loyalty.Testing/smtp-sink.js)
/// on a free loopback port. Recipients whose local part starts with <c>bounce</c> are refused with
/// 550; every accepted message is kept, parsed with MimeKit.
/// </summary>
public sealed class SmtpSink : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<ReceivedMail> _mail = [];

    private SmtpSink(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    /// <summary>The port it listens on.</summary>
    public int Port { get; }

    /// <summary>Everything accepted so far, in order.</summary>
    public IReadOnlyList<ReceivedMail> Mail
    {
        get
        {
            lock (_mail)
            {
                return [.. _mail];
            }
        }
    }

    /// <summary>Starts the server, slowing each message by <paramref name="delayMilliseconds"/>, and waits until it listens.</summary>
    public static async Task<SmtpSink> StartAsync(int delayMilliseconds = 0)
    {
        var port = LocalHost.FreePort();
        var psi = new ProcessStartInfo("node")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        psi.ArgumentList.Add(Path.Combine(RepoPaths.Root, "tests", "Loyalty.Testing", "smtp-sink.js"));
        psi.ArgumentList.Add(port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        psi.Environment["SMTP_DELAY_MS"] = delayMilliseconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var process = Process.Start(psi) ?? throw new InvalidOperationException("node did not start.");
        var sink = new SmtpSink(process, port);
        var listening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var errors = new System.Text.StringBuilder();
        process.ErrorDataReceived += (_, e) =>
        {
            lock (errors)
            {
                errors.AppendLine(e.Data);
            }
        };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            if (e.Data.StartsWith("listening", StringComparison.Ordinal))
            {
                listening.TrySetResult();
                return;
            }

            using var doc = JsonDocument.Parse(e.Data);
            var to = doc.RootElement.GetProperty("to").EnumerateArray().Select(t => t.GetString()!).ToList();
            using var raw = new MemoryStream(Convert.FromBase64String(doc.RootElement.GetProperty("raw").GetString()!));
            var message = MimeMessage.Load(raw);
            lock (sink._mail)
            {
                sink._mail.Add(new ReceivedMail(to, message));
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (await Task.WhenAny(listening.Task, Task.Delay(TimeSpan.FromSeconds(30))) != listening.Task)
        {
            await sink.DisposeAsync();
            throw new TimeoutException("The SMTP sink did not start: " + errors);
        }

        return sink;
    }

    /// <summary>Waits until <paramref name="until"/> holds for the mail received (or throws after <paramref name="timeout"/>).</summary>
    public async Task<IReadOnlyList<ReceivedMail>> WaitForAsync(Func<IReadOnlyList<ReceivedMail>, bool> until, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (!until(Mail))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The SMTP sink has {Mail.Count} messages, not the ones expected.");
            }

            await Task.Delay(50);
        }

        return Mail;
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }

        _process.Dispose();
        return ValueTask.CompletedTask;
    }
}

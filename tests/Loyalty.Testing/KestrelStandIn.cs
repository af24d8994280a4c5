using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace Loyalty.Testing;

/// <summary>
/// What the shop stand-ins share: a small Kestrel server on a free loopback port, a request
/// count, and a switch that makes every request answer 503 while the shop is "down".
/// </summary>
public abstract class KestrelStandIn : IAsyncDisposable
{
    private WebApplication? _app;
    private int _requests;

    /// <summary>Where the stand-in listens, e.g. <c>http://127.0.0.1:40123</c>.</summary>
    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>While true, every request answers 503.</summary>
    public bool Down { get; set; }

    /// <summary>Requests taken, any outcome.</summary>
    public int Requests => Volatile.Read(ref _requests);

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    /// <summary>Starts the server with the routes <paramref name="map"/> adds.</summary>
    protected async Task StartAsync(Action<WebApplication> map)
    {
        ArgumentNullException.ThrowIfNull(map);
        var port = LocalHost.FreePort();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        _app = builder.Build();
        map(_app);
        BaseUrl = new Uri($"http://127.0.0.1:{port}");
        await _app.StartAsync();
    }

    /// <summary>Counts a request; true when the stand-in is down and must answer 503.</summary>
    protected bool TakeRequest()
    {
        Interlocked.Increment(ref _requests);
        return Down;
    }
}

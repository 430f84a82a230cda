using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace OvopQuality.Tests.Support;

/// <summary>A webhook as it arrived: the path it was sent to, its headers and its body.</summary>
public sealed record ReceivedWebhook(string Path, IHeaderDictionary Headers, string Body, DateTimeOffset At)
{
    public string Id => Headers["webhook-id"].ToString();
}

/// <summary>
/// A real HTTP receiver for webhooks, on 127.0.0.1 and a port the system picks: Kestrel, answering
/// each POST as <see cref="Answer"/> says (by how many have arrived at that path before it, from 1):
/// a status code, or <see cref="Never"/> to hold the request open without ever answering.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    public const int Never = -1;

    private readonly WebApplication _app;
    private readonly List<ReceivedWebhook> _unread = [];
    private readonly ConcurrentDictionary<string, int> _counts = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();

    private WebhookReceiver(WebApplication app) => _app = app;

    /// <summary>The answer to the n-th request (from 1) at a path: 204 unless told otherwise.</summary>
    public Func<string, int, int> Answer { get; set; } = (_, _) => StatusCodes.Status204NoContent;

    public ConcurrentQueue<ReceivedWebhook> All { get; } = new();

    public string Url { get; private set; } = "";

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.MapPost("/{**path}", receiver.ReceiveAsync);
        await app.StartAsync();
        receiver.Url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
        return receiver;
    }

    private async Task ReceiveAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        var path = context.Request.Path.Value ?? "/";
        var headers = new HeaderDictionary(context.Request.Headers.ToDictionary(h => h.Key, h => h.Value, StringComparer.OrdinalIgnoreCase));
        var received = new ReceivedWebhook(path, headers, body, DateTimeOffset.UtcNow);
        All.Enqueue(received);
        lock (_unread)
        {
            _unread.Add(received);
        }

        var answer = Answer(path, _counts.AddOrUpdate(path, 1, (_, n) => n + 1));
        if (answer == Never)
        {
            using var both = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping.Token);
            await Task.Delay(Timeout.Infinite, both.Token).ContinueWith(_ => { }, TaskScheduler.Default);
            return;
        }

        context.Response.StatusCode = answer;
        if (answer != StatusCodes.Status204NoContent)
        {
            await context.Response.WriteAsync(answer >= 400 ? "receiver says no" : "ok", context.RequestAborted);
        }
    }

    /// <summary>
    /// The first webhook not taken yet (at <paramref name="path"/>, when given), waiting for it up to
    /// <paramref name="seconds"/>; those at other paths stay for later calls.
    /// </summary>
    public async Task<ReceivedWebhook> NextAsync(string? path = null, int seconds = 20)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (DateTime.UtcNow < deadline)
        {
            lock (_unread)
            {
                if (_unread.FirstOrDefault(r => path is null || r.Path == path) is { } received)
                {
                    _unread.Remove(received);
                    return received;
                }
            }

            await Task.Delay(20);
        }

        throw new Xunit.Sdk.XunitException($"No webhook arrived{(path is null ? "" : " at " + path)} within {seconds} s.");
    }

    /// <summary>Whether a webhook not taken yet is there, or arrives within <paramref name="seconds"/>.</summary>
    public async Task<bool> AnyArrivesWithinAsync(double seconds)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        do
        {
            lock (_unread)
            {
                if (_unread.Count > 0)
                {
                    return true;
                }
            }

            await Task.Delay(20);
        }
        while (DateTime.UtcNow < deadline);

        return false;
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _app.StopAsync();
        await _app.DisposeAsync();
        _stopping.Dispose();
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace OvopQuality.Tests.Support;

/// <summary>A test that speaks to the API over HTTP, as a client would, with the clock reset to a known day.</summary>
public abstract class ApiTest(AppFixture app) : IAsyncLifetime
{
    protected AppFixture App { get; } = app;

    protected DateOnly Today => DateOnly.FromDateTime(App.Clock.GetUtcNow().UtcDateTime);

    public ValueTask InitializeAsync()
    {
        App.Clock.Set(AppFixture.Start);
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    protected Task<Reply> Post(string url, object body) => Send(HttpMethod.Post, url, JsonContent.Create(body, options: AppFixture.Json));

    protected Task<Reply> PostRaw(string url, string json) => Send(HttpMethod.Post, url, new StringContent(json, Encoding.UTF8, "application/json"));

    protected Task<Reply> Get(string url) => Send(HttpMethod.Get, url, null);

    private async Task<Reply> Send(HttpMethod method, string url, HttpContent? content)
    {
        using var request = new HttpRequestMessage(method, url) { Content = content };
        using var response = await App.Client.SendAsync(request, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        return new Reply(response.StatusCode, response.Content.Headers.ContentType?.MediaType, response.Headers.Location?.ToString(), text);
    }
}

public sealed record Reply(HttpStatusCode Status, string? MediaType, string? Location, string Body)
{
    public JsonNode Json => JsonNode.Parse(Body) ?? throw new InvalidOperationException("empty body");

    public T As<T>() => JsonSerializer.Deserialize<T>(Body, AppFixture.Json) ?? throw new InvalidOperationException("empty body");

    public string? ProblemType => MediaType == "application/problem+json" ? Json["type"]?.GetValue<string>() : null;

    /// <summary>Asserts the status, showing the body when it differs: the body says why.</summary>
    public Reply Is(HttpStatusCode expected)
    {
        Assert.True(Status == expected, $"Expected {(int)expected} {expected}, got {(int)Status} {Status}: {Body}");
        return this;
    }

    /// <summary>Asserts a problem-details answer with the status and the stable type of the rule.</summary>
    public Reply IsProblem(HttpStatusCode expected, string rule)
    {
        Is(expected);
        Assert.Equal("application/problem+json", MediaType);
        Assert.Equal("https://ovop.tj/problems/" + rule, ProblemType);
        Assert.DoesNotContain("   at ", Body, StringComparison.Ordinal);
        return this;
    }

    /// <summary>Asserts a 400 whose problem names the field.</summary>
    public Reply IsInvalid(string field)
    {
        Is(HttpStatusCode.BadRequest);
        Assert.Equal("application/problem+json", MediaType);
        Assert.Contains(field, Body, StringComparison.OrdinalIgnoreCase);
        return this;
    }
}

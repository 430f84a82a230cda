using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using OvopQuality.Api.Access;

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

    /// <summary>Programme staff with every power: the default caller of the tests.</summary>
    protected static readonly User Administrator = new("admin-rahmonova", Roles.Administrator);

    protected static User InspectorNamed(string subject) => new(subject, Roles.Inspector);

    protected static User OfficerNamed(string subject) => new(subject, Roles.CertificationOfficer);

    protected static User ProducerOf(string producerNumber) => new("producer-" + producerNumber, Roles.Producer, producerNumber);

    protected Task<Reply> Post(string url, object body, User? user = null) =>
        Send(HttpMethod.Post, url, JsonContent.Create(body, options: AppFixture.Json), user ?? Administrator);

    protected Task<Reply> PostRaw(string url, string json, User? user = null) =>
        Send(HttpMethod.Post, url, new StringContent(json, Encoding.UTF8, "application/json"), user ?? Administrator);

    protected Task<Reply> Get(string url, User? user = null) => Send(HttpMethod.Get, url, null, user ?? Administrator);

    protected Task<Reply> GetAnonymously(string url) => Send(HttpMethod.Get, url, null, null);

    protected string TokenOf(User user) => App.Issuer.Issue(user.Subject, user.Role, producerNumber: user.ProducerNumber);

    protected Task<Reply> Send(HttpMethod method, string url, HttpContent? content, User? user, string? token = null)
    {
        var bearer = token ?? (user is null ? null : TokenOf(user));
        return SendWith(method, url, content, bearer);
    }

    private async Task<Reply> SendWith(HttpMethod method, string url, HttpContent? content, string? bearer)
    {
        using var request = new HttpRequestMessage(method, url) { Content = content };
        if (bearer is not null)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", bearer);
        }

        using var response = await App.Client.SendAsync(request, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        return new Reply(response.StatusCode, response.Content.Headers.ContentType?.MediaType, response.Headers.Location?.ToString(), text, response.Headers);
    }
}

/// <summary>A signed-in user of the tests: what their token will say.</summary>
public sealed record User(string Subject, string Role, string? ProducerNumber = null);

public sealed record Reply(HttpStatusCode Status, string? MediaType, string? Location, string Body, System.Net.Http.Headers.HttpResponseHeaders Headers)
{
    public JsonNode Json => JsonNode.Parse(Body) ?? throw new InvalidOperationException("empty body");

    /// <summary>The items of a page of a list (the API's one list envelope: items, next, total).</summary>
    public JsonArray Items => (Json["items"] ?? throw new InvalidOperationException("not a page of a list: " + Body)).AsArray();

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

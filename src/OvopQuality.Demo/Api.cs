using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace OvopQuality.Demo;

public sealed class DemoException(string message) : Exception(message);

/// <summary>Who the demo acts as: programme staff, the inspector and the certification officer.</summary>
public enum DemoUser
{
    Administrator,
    Inspector,
    Officer,
}

/// <summary>A thin client of the service's HTTP API: JSON in, JSON out, problems turned into exceptions.</summary>
public sealed class Api(HttpClient http, IReadOnlyDictionary<DemoUser, string> tokens)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    /// <summary>Posts as the demo user, or without signing in (<paramref name="user"/> null), as the public does.</summary>
    public async Task<JsonNode> PostAsync(string url, object body, DemoUser? user = DemoUser.Administrator)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = JsonContent.Create(body, options: Json) };
        if (user is { } signedIn)
        {
            request.Headers.Authorization = new("Bearer", tokens[signedIn]);
        }

        using var response = await http.SendAsync(request);
        return await ReadAsync(response, $"POST {url}");
    }

    /// <summary>Puts as the administrator.</summary>
    public async Task<JsonNode> PutAsync(string url, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, url) { Content = JsonContent.Create(body, options: Json) };
        request.Headers.Authorization = new("Bearer", tokens[DemoUser.Administrator]);
        using var response = await http.SendAsync(request);
        return await ReadAsync(response, $"PUT {url}");
    }

    public async Task<JsonNode> GetAsync(string url)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Authorization = new("Bearer", tokens[DemoUser.Administrator]);
        using var response = await http.SendAsync(request);
        return await ReadAsync(response, $"GET {url}");
    }

    private static async Task<JsonNode> ReadAsync(HttpResponseMessage response, string what)
    {
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new DemoException($"{what} answered {(int)response.StatusCode}: {text}");
        }

        return response.StatusCode == HttpStatusCode.NoContent ? new JsonObject() : JsonNode.Parse(text)!;
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace OvopQuality.Demo;

public sealed class DemoException(string message) : Exception(message);

/// <summary>A thin client of the service's HTTP API: JSON in, JSON out, problems turned into exceptions.</summary>
public sealed class Api(HttpClient http)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public async Task<JsonNode> PostAsync(string url, object body)
    {
        using var response = await http.PostAsJsonAsync(url, body, Json);
        return await ReadAsync(response, $"POST {url}");
    }

    public async Task<JsonNode> GetAsync(string url)
    {
        using var response = await http.GetAsync(url);
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

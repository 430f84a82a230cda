using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using OvopQuality.Api.Certification.Inspecting;
using OvopQuality.Api.Certification.Labelling;
using OvopQuality.Api.Infrastructure;
using OvopQuality.Api.Producers.Registering;

namespace OvopQuality.Tests.Domain;

/// <summary>
/// What a client is told when its body cannot be read, under the API's own JSON options: worked
/// out from the body and the command's contract (not from the serializer's wording), every field
/// that does not hold named as the client wrote it, with no .NET type names.
/// </summary>
public class JsonBodyProblemsTests
{
    private static readonly JsonSerializerOptions Options = Api();

    private static JsonSerializerOptions Api()
    {
        var options = new JsonSerializerOptions();
        HttpConfiguration.Configure(options);
        return options;
    }

    private static ProblemDetails ProblemFor<T>(string body)
    {
        var failure = Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<T>(body, Options));
        var problem = new ProblemDetails { Type = "https://httpstatuses.com/400", Title = "Invalid JSON format", Status = 400, Detail = failure.Message };
        problem.Extensions["lineNumber"] = failure.LineNumber;
        JsonBodyProblems.Rewrite(problem, System.Text.Encoding.UTF8.GetBytes(body), typeof(T), Options);
        Assert.DoesNotContain("System.", problem.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("OvopQuality", problem.Detail, StringComparison.Ordinal);
        Assert.False(problem.Extensions.ContainsKey("lineNumber"));
        return problem;
    }

    private static Dictionary<string, string[]> Errors(ProblemDetails problem)
    {
        Assert.Equal("https://ovop.tj/problems/invalid-input", problem.Type);
        return Assert.IsType<Dictionary<string, string[]>>(problem.Extensions["errors"]);
    }

    [Fact]
    public void Missing_fields_are_named_as_the_client_writes_them()
    {
        var errors = Errors(ProblemFor<IssueLabels>("""{"quantity": 1}"""));

        Assert.Equal(["expectedVersion", "lot"], errors.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Every_optional_field_of_every_command_may_be_left_out_not_only_sent_as_null()
    {
        var nullability = new System.Reflection.NullabilityInfoContext();
        var seen = new HashSet<Type>();
        var queue = new Queue<Type>(JsonBodyProblems.BodyTypesIn(typeof(Program).Assembly));
        var mustBeSent = new List<string>();
        while (queue.TryDequeue(out var type))
        {
            if (!seen.Add(type) || type.Assembly != typeof(Program).Assembly || type.IsEnum)
            {
                continue;
            }

            foreach (var parameter in type.GetConstructors().SelectMany(c => c.GetParameters()))
            {
                if (nullability.Create(parameter).WriteState == System.Reflection.NullabilityState.Nullable && !parameter.HasDefaultValue)
                {
                    mustBeSent.Add($"{type.Name}.{parameter.Name}");
                }

                var inner = Nullable.GetUnderlyingType(parameter.ParameterType) ?? parameter.ParameterType;
                queue.Enqueue(inner.IsGenericType ? inner.GetGenericArguments()[^1] : inner.IsArray ? inner.GetElementType()! : inner);
            }
        }

        Assert.Empty(mustBeSent);
    }

    [Fact]
    public void Missing_fields_of_a_nested_object_are_named_with_its_path()
    {
        var errors = Errors(ProblemFor<RegisterProducer>("""
            {"legalName":{"tg":"a","ru":"b","en":"c"},"taxId":"123456789",
             "address":{"region":"sughd","village":"y"},"contact":{"person":"p","phone":"1"}}
            """));

        Assert.Equal(["address.district"], errors.Keys);
    }

    [Fact]
    public void A_value_of_the_wrong_kind_names_the_field_and_the_kind_expected()
    {
        var errors = Errors(ProblemFor<IssueLabels>("""{"expectedVersion": "four", "lot": "L1", "quantity": 1}"""));

        Assert.Equal("must be a whole number", Assert.Single(errors["expectedVersion"]));
    }

    [Fact]
    public void An_unknown_enum_value_lists_the_values_there_are()
    {
        var errors = Errors(ProblemFor<RegisterProducer>("""
            {"legalName":{"tg":"a","ru":"b","en":"c"},"taxId":"123456789",
             "address":{"region":"atlantis","district":"x","village":"y"},"contact":{"person":"p","phone":"1"}}
            """));

        var expectation = Assert.Single(errors["address.region"]);
        Assert.Contains("\"sughd\"", expectation, StringComparison.Ordinal);
        Assert.Contains("\"khatlon\"", expectation, StringComparison.Ordinal);
    }

    [Fact]
    public void A_date_in_another_shape_says_what_a_date_looks_like_and_where_in_the_list()
    {
        var errors = Errors(ProblemFor<RecordInspection>("""{"expectedVersion": 2, "tookPlaceOn": "20/12/2026", "results": []}"""));

        Assert.Contains("2026-05-01", Assert.Single(errors["tookPlaceOn"]), StringComparison.Ordinal);
    }

    [Fact]
    public void A_nested_field_of_the_wrong_kind_is_named_with_its_position()
    {
        var errors = Errors(ProblemFor<RecordInspection>("""{"expectedVersion": 2, "tookPlaceOn": "2026-05-01", "results": [{"requirementCode": "DF-C1", "outcome": 7}]}"""));

        Assert.True(errors.ContainsKey("results[0].outcome"), string.Join(", ", errors.Keys));
    }

    [Fact]
    public void A_field_the_api_does_not_know_is_named()
    {
        var errors = Errors(ProblemFor<IssueLabels>("""{"expectedVersion": 4, "lot": "L1", "quantity": 1, "price": 3}"""));

        Assert.Contains("leave it out", Assert.Single(errors["price"]), StringComparison.Ordinal);
    }

    [Fact]
    public void A_nested_field_the_api_does_not_know_is_named_with_its_parent()
    {
        var errors = Errors(ProblemFor<RegisterProducer>("""
            {"legalName":{"tg":"a","ru":"b","en":"c"},"taxId":"123456789",
             "address":{"region":"sughd","district":"x","village":"y","planet":"earth"},"contact":{"person":"p","phone":"1"}}
            """));

        Assert.Equal(["address.planet"], errors.Keys);
    }

    [Fact]
    public void A_field_the_api_does_not_know_inside_a_list_item_is_named_with_the_list()
    {
        var errors = Errors(ProblemFor<RecordInspection>("""{"expectedVersion": 2, "tookPlaceOn": "2026-05-01", "results": [{"requirementCode": "DF-C1", "outcome": "passed", "grade": 5}]}"""));

        Assert.Equal(["results[0].grade"], errors.Keys);
    }

    [Fact]
    public void Every_field_that_does_not_hold_is_named_at_once_not_only_the_first()
    {
        var errors = Errors(ProblemFor<RegisterProducer>("""
            {"legalName":{"tg":"a","ru":null,"en":"c"},"taxId":7,
             "address":{"region":"atlantis","village":"y","planet":"earth"},"contact":{"person":"p","phone":"1\u0000"}}
            """));

        Assert.Equal(["address.district", "address.planet", "address.region", "contact.phone", "legalName.ru", "taxId"], errors.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("must be a string, without control characters or broken Unicode", Assert.Single(errors["taxId"]));
    }

    [Fact]
    public void A_null_where_none_is_allowed_is_named()
    {
        var errors = Errors(ProblemFor<IssueLabels>("""{"expectedVersion": 4, "lot": null, "quantity": 1}"""));

        Assert.Equal("must not be null", Assert.Single(errors["lot"]));
    }

    [Theory]
    [InlineData("{\"expectedVersion\": 4, \"lot\": ", "line 1")]
    [InlineData("{\n  \"expectedVersion\": 4,\n  \"lot\": 'L1'\n}", "line 3, column 10")]
    public void Text_that_is_not_json_says_where_it_stops_making_sense(string body, string where)
    {
        var problem = ProblemFor<IssueLabels>(body);

        Assert.Equal("https://ovop.tj/problems/malformed-json", problem.Type);
        Assert.Contains(where, problem.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_list_where_the_command_is_expected_says_an_object_is_expected()
    {
        var errors = Errors(ProblemFor<IssueLabels>("[]"));

        Assert.Equal("must be an object", Assert.Single(errors["body"]));
    }
}

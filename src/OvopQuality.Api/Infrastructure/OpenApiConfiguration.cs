using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace OvopQuality.Api.Infrastructure;

public static class OpenApiConfiguration
{
    public static IServiceCollection AddOvopOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(o =>
        {
            o.AddDocumentTransformer((document, _, _) =>
            {
                document.Info = new OpenApiInfo
                {
                    Title = "OvopQuality",
                    Version = "v1",
                    Description = "Quality certification of One Village – One Product (Tajikistan): producers, standards, certification files, labels and their verification.",
                };
                return Task.CompletedTask;
            });
            o.AddOperationTransformer<ErrorResponsesTransformer>();
        });

    public static WebApplication MapOvopOpenApi(this WebApplication app)
    {
        app.MapOpenApi();
        app.MapScalarApiReference("/docs", o => o.WithTitle("OvopQuality API").WithOpenApiRoutePattern("/openapi/{documentName}.json"));
        return app;
    }

    /// <summary>
    /// Declares the errors every endpoint can answer, in one place rather than on each endpoint: 400
    /// for a body or route value that does not hold, 404 for an unknown id, 409 for a stale version
    /// or a rule of the process, each as problem details.
    /// </summary>
    private sealed class ErrorResponsesTransformer : IOpenApiOperationTransformer
    {
        public async Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
        {
            var description = context.Description;
            var isCommand = !string.Equals(description.HttpMethod, "GET", StringComparison.OrdinalIgnoreCase);
            var hasRouteValues = description.ParameterDescriptions.Any(p => p.Source.Id == "Path");
            var problem = await Component(typeof(ProblemDetails), nameof(ProblemDetails));
            var invalid = await Component(typeof(HttpValidationProblemDetails), nameof(HttpValidationProblemDetails));
            operation.Responses ??= [];

            // Wolverine fills the description with the route's internal name; the summary says it better.
            if (operation.Description?.Contains('_', StringComparison.Ordinal) == true && !operation.Description.Contains(' ', StringComparison.Ordinal))
            {
                operation.Description = null;
            }

            void Add(int status, string text, IOpenApiSchema schema)
            {
                var key = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
                operation.Responses[key] = new OpenApiResponse
                {
                    Description = text,
                    Content = new Dictionary<string, OpenApiMediaType> { ["application/problem+json"] = new() { Schema = schema } },
                };
            }

            if (isCommand || hasRouteValues)
            {
                Add(StatusCodes.Status400BadRequest, "The request is malformed or a field is invalid; the problem names the field.", invalid);
            }

            if (hasRouteValues)
            {
                Add(StatusCodes.Status404NotFound, "Nothing is known by that identifier.", problem);
            }

            if (isCommand)
            {
                Add(StatusCodes.Status409Conflict, "The version sent is stale, or a rule of the certification process forbids this command now.", problem);
                Add(StatusCodes.Status413PayloadTooLarge, "The body is larger than the service accepts.", problem);
            }

            async Task<IOpenApiSchema> Component(Type type, string name)
            {
                var document = context.Document!;
                document.Components ??= new OpenApiComponents();
                document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
                if (!document.Components.Schemas.ContainsKey(name))
                {
                    document.Components.Schemas[name] = await context.GetOrCreateSchemaAsync(type, null, cancellationToken);
                }

                return new OpenApiSchemaReference(name, document);
            }
        }
    }
}

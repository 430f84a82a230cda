using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace OvopQuality.Api.Infrastructure;

public static class OpenApiConfiguration
{
    public static IServiceCollection AddOvopOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(o =>
        {
            o.AddDocumentTransformer((document, context, _) =>
            {
                document.Info = new OpenApiInfo
                {
                    Title = "OvopQuality",
                    Version = "v1",
                    Description = "Quality certification of One Village – One Product (Tajikistan): producers, standards, certification files, labels and their verification.",
                    License = new OpenApiLicense { Name = "CC BY 4.0", Identifier = "CC-BY-4.0" },
                };
                var configuration = context.ApplicationServices.GetRequiredService<IConfiguration>();
                document.Servers = [new OpenApiServer { Url = Labels.Signing.LabelStatements.PublicBaseUrl(configuration), Description = "This service (Ovop:PublicBaseUrl)" }];
                document.Tags = new HashSet<OpenApiTag>(Tags.Select(t => new OpenApiTag { Name = t.Key, Description = t.Value }));
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes["bearer"] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http,
                    Scheme = "bearer",
                    BearerFormat = "JWT",
                    Description = "A token of the configured OpenID Connect provider (locally: deploy/run.sh prints some).",
                };
                return Task.CompletedTask;
            });
            o.AddOperationTransformer<ErrorResponsesTransformer>();
            // Text passes through SafeTextConverter (control characters, broken Unicode), which hides its
            // type from the schema generator: say it is a string, nullable where the property is.
            o.AddSchemaTransformer((schema, context, _) =>
            {
                if (context.JsonTypeInfo.Type == typeof(string) && schema.Type is null && schema is OpenApiSchema text)
                {
                    text.Type = context.JsonPropertyInfo is { IsGetNullable: true } ? JsonSchemaType.String | JsonSchemaType.Null : JsonSchemaType.String;
                }
                else if (context.JsonTypeInfo is { Kind: System.Text.Json.Serialization.Metadata.JsonTypeInfoKind.Enumerable } list && list.ElementType == typeof(string)
                         && schema is OpenApiSchema texts && texts.Items is null or OpenApiSchema { Type: null })
                {
                    texts.Items = new OpenApiSchema { Type = JsonSchemaType.String };
                }
                else if (context.JsonTypeInfo is { Kind: System.Text.Json.Serialization.Metadata.JsonTypeInfoKind.Dictionary } map && map.ElementType == typeof(string)
                         && schema is OpenApiSchema named && named.AdditionalProperties is null or OpenApiSchema { Type: null })
                {
                    named.AdditionalProperties = new OpenApiSchema { Type = JsonSchemaType.String };
                }

                return Task.CompletedTask;
            });
        });

    /// <summary>What each group of operations is for; a tag without a description fails the OpenAPI lint test.</summary>
    private static readonly IReadOnlyDictionary<string, string> Tags = new Dictionary<string, string>
    {
        ["Producers"] = "Producers of the programme, their products and their history; a producer's notifications.",
        ["Standards"] = "The catalogue of OVOP standards: requirements, points, star thresholds, laboratory limits, in versions.",
        ["Certification"] = "A certification file from application to decision: inspections, advice, the grant or refusal.",
        ["Findings"] = "Non-conformities found in evaluation and the producer's corrective actions.",
        ["Sampling"] = "Samples taken for laboratory testing and their results.",
        ["Appeals"] = "Appeals against a refusal, suspension or withdrawal, decided by someone not involved.",
        ["Certificate lifecycle"] = "A granted certificate: suspension, reinstatement, withdrawal, surrender, scope, surveillance; public standing at any instant.",
        ["Labels"] = "Labels of certified products: issuance, verification (online, signed statements, QR codes, status snapshot), the verification page.",
        ["Consignments"] = "Shipment verification: a consignment's codes judged together as of the shipment's date, in a kept, signed report (JSON, CSV, printable page).",
        ["Keys"] = "The keys that sign labels and snapshots: the public key set, rotation and revocation.",
        ["Complaints"] = "Complaints from anyone about a label, a product or the body, and how each was handled.",
        ["Statistics"] = "The programme in figures, as things stood at any date.",
        ["Webhooks"] = "Exporters' webhooks: watch certificates or producers and receive their suspensions, withdrawals and other changes, signed per Standard Webhooks.",
        ["Service"] = "The running service: the instances sharing its database, which one leads and what each runs.",
    };

    public static WebApplication MapOvopOpenApi(this WebApplication app)
    {
        app.MapOpenApi().AllowAnonymous();
        // The reference runs its scripts by the nonce the security headers made for this response
        // (no other inline script can run), and asks nothing of a third party (Scalar's font CDN).
        app.MapScalarApiReference("/docs", (o, context) => o.WithTitle("OvopQuality API").WithOpenApiRoutePattern("/openapi/{documentName}.json")
            .WithNonce(context.Items[Access.SecurityHeadersMiddleware.ScriptNonce] as string ?? "").DisableDefaultFonts()).AllowAnonymous();
        return app;
    }

    /// <summary>
    /// Declares the errors every endpoint can answer, in one place rather than on each endpoint: 400
    /// for a body or route value that does not hold, 404 for an unknown id, 409 for a stale version
    /// or a rule of the process, 401/403 where a token is needed, 429 where anyone may call, each as
    /// problem details.
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
            else
            {
                // Wolverine declares a 404 for any endpoint that could return null; without an identifier in the route, none of ours does.
                operation.Responses.Remove("404");
            }

            var isPublic = description.ActionDescriptor.EndpointMetadata.OfType<Microsoft.AspNetCore.Authorization.IAllowAnonymous>().Any();
            var roles = description.ActionDescriptor.EndpointMetadata.OfType<Microsoft.AspNetCore.Authorization.IAuthorizeData>()
                .SelectMany(a => (a.Roles ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
                .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
            // Who may call it, stated on every operation: for people reading the reference and for generated clients.
            var who = isPublic ? "Anyone, without a token." : roles.Count == 0 ? "Any signed-in user." : "Roles: " + string.Join(", ", roles) + ".";
            operation.Description = string.IsNullOrWhiteSpace(operation.Description) ? who : operation.Description.TrimEnd() + "\n\n" + who;
            operation.Extensions ??= new Dictionary<string, Microsoft.OpenApi.IOpenApiExtension>();
            operation.Extensions["x-roles"] = new JsonNodeExtension(new System.Text.Json.Nodes.JsonArray([.. (isPublic ? ["public"] : roles).Select(r => (System.Text.Json.Nodes.JsonNode)r)]));
            if (!isPublic)
            {
                Add(StatusCodes.Status401Unauthorized, "No bearer token, or one that is expired, wrongly signed or for another audience.", problem);
                Add(StatusCodes.Status403Forbidden, "The caller's role may not do this.", problem);
                operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("bearer", context.Document)] = [] }];
            }
            else
            {
                Add(StatusCodes.Status429TooManyRequests, "Too many requests from this client address; see Retry-After.", problem);
                // Stated, not left out: anyone may call this without a token.
                operation.Security = [];
            }

            var takesKey = IdempotencyKeys.Accepts(description.HttpMethod ?? "", description.ActionDescriptor.EndpointMetadata);
            if (isCommand)
            {
                Add(StatusCodes.Status409Conflict, "The version sent is stale, or a rule of the certification process forbids this command now."
                    + (takesKey
                        ? " Or a request with the same Idempotency-Key is still running (idempotency-key-in-progress, see Retry-After), "
                          + "or was applied but its answer was not kept (command-already-applied)."
                        : ""), problem);
                Add(StatusCodes.Status413PayloadTooLarge, "The body is larger than the service accepts.", problem);
            }

            if (takesKey)
            {
                DeclareIdempotencyKey(operation);
                Add(StatusCodes.Status422UnprocessableEntity,
                    "The Idempotency-Key was used in the last 24 hours for another request: another operation, record or body (idempotency-key-reused).", problem);
            }

            static void DeclareIdempotencyKey(OpenApiOperation operation)
            {
                operation.Parameters ??= [];
                operation.Parameters.Add(new OpenApiParameter
                {
                    Name = IdempotencyKeys.Header,
                    In = ParameterLocation.Header,
                    Required = false,
                    Description = "Makes a retry safe: the same key with the same request within 24 hours answers what the first answered (status, body, "
                                  + "Location, ETag, with Idempotent-Replayed: true) and does nothing again, on any instance. A key is the sender's own "
                                  + "(commands sent without a token share one scope, so use a random key, a UUID). 1 to 255 printable ASCII characters.",
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String, MinLength = 1, MaxLength = IdempotencyKeys.MaxKeyLength, Pattern = "^[ -~]+$" },
                });
                foreach (var (status, response) in operation.Responses!)
                {
                    if (status.StartsWith('2') && response is OpenApiResponse success)
                    {
                        success.Headers ??= new Dictionary<string, IOpenApiHeader>();
                        success.Headers[IdempotencyKeys.ReplayedHeader] = new OpenApiHeader
                        {
                            Description = "true when this is the answer kept for the request's Idempotency-Key, replayed rather than made again.",
                            Schema = new OpenApiSchema { Type = JsonSchemaType.String, Enum = [System.Text.Json.Nodes.JsonValue.Create("true")] },
                        };
                    }
                }
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

using Wolverine;

namespace OvopQuality.Api.Consignments;

public static class Configuration
{
    /// <summary>
    /// Consignment reports: the report document, its tables (lines, signed CSV, codes waiting), the
    /// judge, and the durable local queue "consignments" that judges large lists one at a time (so
    /// that a 100,000-code list does not take every core from label verification). Nothing is held
    /// in memory: every instance reads reports from the database.
    /// </summary>
    public static IServiceCollection AddOvopConsignments(this IServiceCollection services, IConfiguration configuration)
    {
        var settings = configuration.GetSection("Ovop:Consignments").Get<ConsignmentSettings>() ?? new ConsignmentSettings();
        services.AddSingleton(settings);
        services.AddSingleton(new BodyLimit("/api/consignments", settings.MaxBodyBytes));
        services.AddSingleton<ConsignmentJudge>();
        // The endpoint reads its body itself (JSON, CSV or text): the document says what it takes.
        services.Configure<Microsoft.AspNetCore.OpenApi.OpenApiOptions>("v1", o => o.AddOperationTransformer(async (operation, context, ct) =>
        {
            if (operation.OperationId != "SubmitConsignment")
            {
                return;
            }

            var text = new Microsoft.OpenApi.OpenApiSchema { Type = Microsoft.OpenApi.JsonSchemaType.String };
            operation.RequestBody = new Microsoft.OpenApi.OpenApiRequestBody
            {
                Required = true,
                Description = "The codes: a JSON list or {codes, shipmentDate}; a CSV (column 'code', else the first); or one code a line.",
                Content = new Dictionary<string, Microsoft.OpenApi.OpenApiMediaType>
                {
                    ["application/json"] = new() { Schema = await context.GetOrCreateSchemaAsync(typeof(ConsignmentSubmission), null, ct) },
                    ["text/csv"] = new() { Schema = text },
                    ["text/plain"] = new() { Schema = text },
                },
            };
        }));
        services.ConfigureWolverine(opts =>
        {
            opts.LocalQueue("consignments").MaximumParallelMessages(1).UseDurableInbox();
            opts.PublishMessage<JudgeConsignment>().ToLocalQueue("consignments");
        });
        return services.ConfigureMarten(opts =>
        {
            opts.Schema.For<ConsignmentReport>().Identity(r => r.Id).Index(r => r.Owner).Index(r => r.SubmittedAt);
            opts.Storage.ExtendedSchemaObjects.AddRange(ConsignmentTables.All());
        });
    }
}

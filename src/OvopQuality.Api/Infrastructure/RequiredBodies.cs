using JasperFx;
using JasperFx.CodeGeneration;
using JasperFx.CodeGeneration.Frames;
using JasperFx.CodeGeneration.Model;
using JasperFx.Core.Reflection;
using Microsoft.AspNetCore.Diagnostics;

namespace OvopQuality.Api.Infrastructure;

/// <summary>
/// A command's body is a JSON object. The literal <c>null</c> is valid JSON, so the serializer
/// hands the endpoint a null command; this policy answers it with the API's own 400 before any
/// validation or rule runs, for every endpoint that reads a body.
/// </summary>
public sealed class RequiredBodies : IHttpPolicy
{
    public void Apply(IReadOnlyList<HttpChain> chains, GenerationRules rules, IServiceContainer container)
    {
        foreach (var chain in chains.Where(c => c.RequestType is { IsValueType: false }))
        {
            chain.Middleware.Insert(0, new RejectNullBodyFrame(chain.RequestType!));
        }
    }

    public static ProblemDetails Missing() =>
        Problems.Invalid(new Dictionary<string, string[]> { ["body"] = ["is required: a JSON object, not null"] });

    public static Task WriteMissing(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status400BadRequest;
        return context.RequestServices.GetRequiredService<IProblemDetailsService>()
            .WriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = Missing() }).AsTask();
    }

    private sealed class RejectNullBodyFrame(Type bodyType) : AsyncFrame
    {
        private Variable? _body;
        private Variable? _context;

        public override IEnumerable<Variable> FindVariables(IMethodVariables chain)
        {
            _body = chain.FindVariable(bodyType);
            yield return _body;
            _context = chain.FindVariable(typeof(HttpContext));
            yield return _context;
        }

        public override void GenerateCode(GeneratedMethod method, ISourceWriter writer)
        {
            writer.Write($"BLOCK:if ({_body!.Usage} == null)");
            writer.Write($"await {typeof(RequiredBodies).FullNameInCode()}.{nameof(WriteMissing)}({_context!.Usage});");
            writer.Write("return;");
            writer.FinishBlock();
            Next?.GenerateCode(method, writer);
        }
    }
}

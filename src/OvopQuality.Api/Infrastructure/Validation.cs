
namespace OvopQuality.Api.Infrastructure;

/// <summary>
/// Collects field errors of one request, named by their JSON path, and turns them into a single
/// 400 answer. Endpoints use it in their <c>Validate</c> step before any rule of the domain runs.
/// </summary>
public sealed class Validation
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public Validation Require(bool condition, string field, string message)
    {
        if (!condition)
        {
            if (!_errors.TryGetValue(field, out var list))
            {
                _errors[field] = list = [];
            }

            list.Add(message);
        }

        return this;
    }

    public Validation Text(string? value, string field, int maxLength = 200) =>
        Require(!string.IsNullOrWhiteSpace(value), field, "is required")
            .Require(value is null || value.Length <= maxLength, field, $"must be at most {maxLength} characters");

    public Validation OptionalText(string? value, string field, int maxLength = 200) =>
        Require(value is null || value.Length <= maxLength, field, $"must be at most {maxLength} characters");

    public Validation Defined<TEnum>(TEnum value, string field) where TEnum : struct, Enum =>
        Require(Enum.IsDefined(value), field, "must be " + JsonBodyProblems.Kind(typeof(TEnum)));

    public Validation Version(long expectedVersion) =>
        Require(expectedVersion >= 1, "expectedVersion", "must be the version you last read (1 or more)");

    public bool IsValid => _errors.Count == 0;

    public ProblemDetails ToProblem() =>
        IsValid
            ? WolverineContinue.NoProblems
            : Problems.Invalid(_errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal));
}

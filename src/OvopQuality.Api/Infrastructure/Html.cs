using System.Globalization;
using System.Net;
using System.Runtime.CompilerServices;
using System.Text;

namespace OvopQuality.Api.Infrastructure;

/// <summary>
/// A fragment of HTML that is safe to put in a page: text is encoded on its way in, so a producer's
/// lot, a product's name or a reason can never become markup. Pages are built only from
/// <see cref="Of"/> (whose holes encode everything but another <see cref="Html"/>) and from
/// <see cref="Trusted"/> markup the service itself wrote.
/// </summary>
public readonly record struct Html(string Encoded)
{
    public static readonly Html Empty = new("");

    /// <summary>Markup written by the service (an SVG it drew, a constant): never a user's text.</summary>
    public static Html Trusted(string markup) => new(markup);

    /// <summary>Text, encoded for an element's content or a quoted attribute value.</summary>
    public static Html Text(string? text) => new(WebUtility.HtmlEncode(text ?? ""));

    /// <summary>Builds a fragment from an interpolated string: every hole is encoded unless it is itself <see cref="Html"/>.</summary>
    public static Html Of(ref Handler html) => html.ToHtml();

    public static Html Join(IEnumerable<Html> parts) => new(string.Concat(parts.Select(p => p.Encoded)));

    public override string ToString() => Encoded;

    [InterpolatedStringHandler]
    public ref struct Handler(int literalLength, int formattedCount)
    {
        private readonly StringBuilder _html = new(literalLength + (formattedCount * 16));

        public readonly void AppendLiteral(string markup) => _html.Append(markup);

        public readonly void AppendFormatted(Html fragment) => _html.Append(fragment.Encoded);

        public readonly void AppendFormatted(string? text) => _html.Append(WebUtility.HtmlEncode(text ?? ""));

        public readonly void AppendFormatted<T>(T value, string? format = null) where T : IFormattable =>
            _html.Append(WebUtility.HtmlEncode(value.ToString(format, CultureInfo.InvariantCulture)));

        public readonly void AppendFormatted<T>(T? value, string? format = null) where T : struct, IFormattable =>
            _html.Append(WebUtility.HtmlEncode(value?.ToString(format, CultureInfo.InvariantCulture) ?? ""));

        internal readonly Html ToHtml() => new(_html.ToString());
    }
}

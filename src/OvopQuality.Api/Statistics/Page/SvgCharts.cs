using System.Globalization;

namespace OvopQuality.Api.Statistics.Page;

/// <summary>One line of a chart and of the table behind it: its label and a value per series.</summary>
public sealed record ChartRow(string Label, IReadOnlyList<double> Values);

/// <summary>A chart's data: its id (for the page's anchors and labels), title, the header of its label column, its series and rows.</summary>
public sealed record Chart(string Id, string Title, string LabelHeader, IReadOnlyList<string> Series, IReadOnlyList<ChartRow> Rows);

/// <summary>
/// Simple accessible charts drawn as inline SVG with the <see cref="Html"/> type, each followed by the
/// table of its figures. Why not a library: ScottPlot 5.1.59 was tried (it restores and runs here
/// with SkiaSharp's native Linux assets) and its SVG has real &lt;text&gt;, but at a fixed pixel
/// size without a viewBox (it does not scale to a phone), with glyph positions measured in the
/// server's fonts (Cyrillic labels would be placed for DejaVu, not the phone's font), with no
/// title, desc or role to make it accessible, and it would add a native library to the service's
/// image for a few bars. Adding accessibility to its output means rewriting it; drawing these
/// bars, columns and lines is less code, and every text in them is encoded by <see cref="Html"/>.
/// The charts scale by their viewBox (width 100 %), colours come from the page's stylesheet (CSP
/// allows no inline style), and each is an <c>img</c> named by its title and described in words.
/// </summary>
public static class SvgCharts
{
    private const double Width = 400;

    private static readonly int[] NiceSteps = [1, 2, 5, 10];

    /// <summary>Horizontal bars, one per row, its label above it and its value after it: long Tajik and Russian labels need the whole width of a phone.</summary>
    public static Html Bars(Chart chart, string tableSummary)
    {
        const double rowHeight = 42;
        var max = Math.Max(1, chart.Rows.Select(r => r.Values[0]).DefaultIfEmpty(0).Max());
        var height = (chart.Rows.Count * rowHeight) + 8;
        var parts = new List<Html>();
        for (var i = 0; i < chart.Rows.Count; i++)
        {
            var row = chart.Rows[i];
            var y = (i * rowHeight) + 16;
            var length = Math.Max(row.Values[0] > 0 ? 2 : 0, (Width - 70) * row.Values[0] / max);
            parts.Add(Html.Of($"""<text class="label" x="0" y="{N(y)}">{row.Label}</text><rect class="bar s0" x="0" y="{N(y + 6)}" width="{N(length)}" height="16"/><text class="value" x="{N(length + 6)}" y="{N(y + 19)}">{V(row.Values[0])}</text>"""));
        }

        return Figure(chart, height, Html.Join(parts), tableSummary);
    }

    /// <summary>Columns per month (one or two series side by side), the month under each, the year under the first month and each January.</summary>
    public static Html Columns(Chart chart, string tableSummary) => OverMonths(chart, tableSummary, lines: false);

    /// <summary>A line per series over the months, a dot at each month.</summary>
    public static Html Lines(Chart chart, string tableSummary) => OverMonths(chart, tableSummary, lines: true);

    private static Html OverMonths(Chart chart, string tableSummary, bool lines)
    {
        const double left = 34, right = Width - 6, bottom = 190, height = 232;
        var top = chart.Series.Count > 1 ? 34.0 : 16.0;
        var max = NiceMaximum(chart.Rows.SelectMany(r => r.Values).DefaultIfEmpty(0).Max());
        var step = (right - left) / Math.Max(1, chart.Rows.Count);
        double Y(double value) => bottom - ((bottom - top) * value / max);
        var parts = new List<Html>();
        foreach (var tick in new[] { 0, max / 2, max })
        {
            parts.Add(Html.Of($"""<line class="grid" x1="{N(left)}" x2="{N(right)}" y1="{N(Y(tick))}" y2="{N(Y(tick))}"/><text class="tick" x="{N(left - 4)}" y="{N(Y(tick) + 4)}">{V(tick)}</text>"""));
        }

        for (var s = 0; s < chart.Series.Count; s++)
        {
            if (chart.Series.Count > 1)
            {
                parts.Add(Html.Of($"""<rect class="bar s{s}" x="{N(left + (s * 150))}" y="4" width="12" height="12"/><text class="legend" x="{N(left + (s * 150) + 16)}" y="14">{chart.Series[s]}</text>"""));
            }

            if (lines)
            {
                var points = string.Join(' ', chart.Rows.Select((r, i) => $"{N(left + (step * (i + 0.5)))},{N(Y(r.Values[s]))}"));
                parts.Add(Html.Of($"""<polyline class="line s{s}" points="{points}"/>"""));
            }

            for (var i = 0; i < chart.Rows.Count; i++)
            {
                var value = chart.Rows[i].Values[s];
                if (lines)
                {
                    parts.Add(Html.Of($"""<circle class="dot s{s}" cx="{N(left + (step * (i + 0.5)))}" cy="{N(Y(value))}" r="3"/>"""));
                    continue;
                }

                var width = step * 0.7 / chart.Series.Count;
                var x = left + (step * i) + (step * 0.15) + (width * s);
                parts.Add(Html.Of($"""<rect class="bar s{s}" x="{N(x)}" y="{N(Y(value))}" width="{N(width)}" height="{N(bottom - Y(value))}"/>"""));
                if (chart.Series.Count == 1 && value > 0)
                {
                    parts.Add(Html.Of($"""<text class="over" x="{N(x + (width / 2))}" y="{N(Y(value) - 3)}">{V(value)}</text>"""));
                }
            }
        }

        for (var i = 0; i < chart.Rows.Count; i++)
        {
            var label = chart.Rows[i].Label;
            var x = N(left + (step * (i + 0.5)));
            var (year, month) = label.Length == 7 && label[4] == '-' ? (label[..4], label[5..]) : ("", label);
            parts.Add(Html.Of($"""<text class="month" x="{x}" y="{N(bottom + 16)}">{month}</text>"""));
            if (year.Length > 0 && (i == 0 || month == "01"))
            {
                parts.Add(Html.Of($"""<text class="month" x="{x}" y="{N(bottom + 32)}">{year}</text>"""));
            }
        }

        parts.Add(Html.Of($"""<line class="axis" x1="{N(left)}" x2="{N(right)}" y1="{N(bottom)}" y2="{N(bottom)}"/>"""));
        return Figure(chart, height, Html.Join(parts), tableSummary);
    }

    /// <summary>The chart in a section with its heading, then the table of the same figures, folded under a summary.</summary>
    private static Html Figure(Chart chart, double height, Html drawing, string tableSummary)
    {
        var description = string.Join("; ", chart.Rows.Select(r =>
            r.Label + ": " + string.Join(", ", r.Values.Select((v, s) => chart.Series.Count > 1 ? chart.Series[s] + " " + V(v) : V(v)))));
        return Html.Of($"""
            <section class="figure" id="{chart.Id}">
            <h2>{chart.Title}</h2>
            <svg class="chart" role="img" aria-labelledby="{chart.Id}-title {chart.Id}-desc" viewBox="0 0 {N(Width)} {N(height)}" width="100%" preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">
            <title id="{chart.Id}-title">{chart.Title}</title>
            <desc id="{chart.Id}-desc">{description}</desc>
            {drawing}
            </svg>
            <details><summary>{tableSummary}</summary>{Table(chart)}</details>
            </section>
            """);
    }

    /// <summary>The figures of a chart as a table: a caption, a header row, a row per line with its label as the row's header.</summary>
    public static Html Table(Chart chart) =>
        Html.Of($"""
            <table id="{chart.Id}-table"><caption>{chart.Title}</caption>
            <thead><tr><th scope="col">{chart.LabelHeader}</th>{Html.Join(chart.Series.Select(s => Html.Of($"<th scope=\"col\">{s}</th>")))}</tr></thead>
            <tbody>{Html.Join(chart.Rows.Select(r => Html.Of($"<tr><th scope=\"row\">{r.Label}</th>{Html.Join(r.Values.Select(v => Html.Of($"<td>{V(v)}</td>")))}</tr>")))}</tbody>
            </table>
            """);

    /// <summary>A round top for the value axis (1, 2 or 5 times a power of ten), so its middle tick is a round number too.</summary>
    private static double NiceMaximum(double max)
    {
        if (max <= 2)
        {
            return 2;
        }

        var power = Math.Pow(10, Math.Floor(Math.Log10(max)));
        return NiceSteps.Select(m => m * power).First(candidate => candidate >= max);
    }

    private static string N(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    /// <summary>A figure as people read it: whole numbers without decimals, others with one.</summary>
    public static string V(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);
}

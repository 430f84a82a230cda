using System.Text;
using OvopQuality.Api.Infrastructure;

namespace OvopQuality.Tests.Domain;

public class PagingTests
{
    [Fact]
    public void A_cursor_walks_a_list_to_its_end_and_the_last_page_has_none()
    {
        var all = Enumerable.Range(1, 7).ToList();
        var seen = new List<int>();
        string? cursor = null;
        do
        {
            var (request, _) = Paging.Read(3, cursor);
            var page = Paging.Slice(all, request!);
            seen.AddRange(page.Items);
            Assert.Equal(7, page.Total);
            cursor = page.Next;
        }
        while (cursor is not null);

        Assert.Equal(all, seen);
    }

    [Theory]
    [InlineData("")]
    [InlineData("=")]
    [InlineData("a")]
    [InlineData("bzo=")]
    [InlineData("bzotMQ")]
    [InlineData("bzo5OTk5OTk5OTk5OTk5")]
    [InlineData("курсор")]
    [InlineData("bzox€")]
    [InlineData("%00")]
    [InlineData("\uD800")]
    public void A_cursor_the_list_did_not_give_is_a_problem_naming_it_never_an_exception(string cursor)
    {
        var (request, problem) = Paging.Read(null, cursor);

        Assert.Null(request);
        Assert.Contains("cursor", ((Microsoft.AspNetCore.Http.HttpValidationProblemDetails)problem).Errors.Keys);
    }

    [Fact]
    public void Garbled_cursors_of_any_characters_are_problems_never_exceptions()
    {
        var random = new Random(20261204);
        for (var i = 0; i < 20_000; i++)
        {
            var length = random.Next(0, 48);
            var text = new StringBuilder(length);
            for (var c = 0; c < length; c++)
            {
                text.Append(random.Next(4) == 0 ? (char)random.Next(0x20, 0xFFFF) : "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=+/:o"[random.Next(67)]);
            }

            var (request, problem) = Paging.Read(random.Next(-5, 600), text.ToString());
            Assert.True(request is not null || problem.Status == 400, text.ToString());
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(501)]
    [InlineData(int.MaxValue)]
    public void A_limit_out_of_range_is_a_problem_naming_it(int limit) =>
        Assert.Contains("limit", ((Microsoft.AspNetCore.Http.HttpValidationProblemDetails)Paging.Read(limit, null).Problem).Errors.Keys);
}

using System.Text.Json;
using OvopQuality.Verifier;

namespace OvopQuality.Tests.Domain;

/// <summary>
/// The canonical JSON (RFC 8785) the history's hashes are taken over: the service and any checker
/// must write the same bytes for the same value, whatever order or spelling the JSON came in.
/// </summary>
public class HistoryHashingTests
{
    private static string Canonical(string json)
    {
        using var document = JsonDocument.Parse(json);
        return HistoryHashing.Canonical(document.RootElement);
    }

    [Theory]
    [InlineData("0", "0")]
    [InlineData("-0", "0")]
    [InlineData("1", "1")]
    [InlineData("12.50", "12.5")]
    [InlineData("1e21", "1e+21")]
    [InlineData("1e20", "100000000000000000000")]
    [InlineData("123456789012345678901", "123456789012345680000")]
    [InlineData("0.000001", "0.000001")]
    [InlineData("0.0000001", "1e-7")]
    [InlineData("-1.5e-10", "-1.5e-10")]
    [InlineData("5e-324", "5e-324")]
    [InlineData("1.7976931348623157e308", "1.7976931348623157e+308")]
    [InlineData("9007199254740993", "9007199254740992")]
    [InlineData("333333333.33333329", "333333333.3333333")]
    public void Numbers_are_written_as_ECMAScript_writes_the_double_they_stand_for(string given, string canonical) =>
        Assert.Equal(canonical, Canonical(given));

    [Fact]
    public void Members_are_sorted_by_UTF16_code_units_and_strings_escaped_only_where_JSON_requires()
    {
        // The sorting example of RFC 8785, 3.2.3, and its escaping rules.
        Assert.Equal("{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\u0080\":\"Control\u007f\",\"\u00f6\":\"Latin Small Letter O With Diaeresis\",\"\u20ac\":\"Euro Sign\",\"\ud83d\ude00\":\"Emoji: Grinning Face\",\"\ufb33\":\"Hebrew Letter Dalet With Dagesh\"}",
            Canonical("{\"\\u20ac\":\"Euro Sign\",\"\\r\":\"Carriage Return\",\"\\ufb33\":\"Hebrew Letter Dalet With Dagesh\",\"1\":\"One\",\"\\ud83d\\ude00\":\"Emoji: Grinning Face\",\"\\u0080\":\"Control\\u007f\",\"\\u00f6\":\"Latin Small Letter O With Diaeresis\"}"));
        Assert.Equal("[\"\\u0001\\b\\t\\\"/\",null,true,false,{}]", Canonical("[ \"\\u0001\\u0008\\t\\\"\\/\" , null, true, false, { } ]"));
    }

    [Fact]
    public void The_same_event_written_two_ways_has_one_body_hash_and_a_different_value_another()
    {
        using var one = JsonDocument.Parse("{\"b\": 2.0, \"a\": \"x\"}");
        using var two = JsonDocument.Parse("{\"a\":\"x\",\"b\":2}");
        using var three = JsonDocument.Parse("{\"a\":\"y\",\"b\":2}");
        Assert.Equal(HistoryHashing.Body("standardMet", one.RootElement), HistoryHashing.Body("standardMet", two.RootElement));
        Assert.NotEqual(HistoryHashing.Body("standardMet", one.RootElement), HistoryHashing.Body("standardMet", three.RootElement));
        Assert.NotEqual(HistoryHashing.Body("standardMet", one.RootElement), HistoryHashing.Body("refused", one.RootElement));
    }

    [Fact]
    public void Every_leaf_of_a_tree_of_any_size_proves_its_way_to_the_root_and_no_other_leaf_does()
    {
        for (var size = 1; size <= 9; size++)
        {
            var leaves = Enumerable.Range(0, size).Select(i => HistoryHashing.Leaf(Guid.NewGuid(), i + 1, new byte[32])).ToList();
            var levels = HistoryHashing.Tree(leaves);
            for (var i = 0; i < size; i++)
            {
                var path = HistoryHashing.Proof(levels, i);
                Assert.Equal(levels[^1][0], HistoryHashing.RootOf(leaves[i], path));
                Assert.NotEqual(levels[^1][0], HistoryHashing.RootOf(HistoryHashing.Leaf(Guid.NewGuid(), 1, new byte[32]), path));
            }
        }
    }
}

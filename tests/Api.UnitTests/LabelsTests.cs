using Assemble.Api.Common;
using Assemble.Api.Features.Payments;
using Assemble.Domain.Events;
using Assemble.Domain.Members;
using Assemble.Domain.Payments;
using Xunit;

namespace Assemble.Api.UnitTests;

public sealed class LabelsTests
{
    [Fact]
    public void Every_profession_and_status_has_a_distinct_label_in_each_language()
    {
        foreach (var language in Enum.GetValues<PreferredLanguage>())
        {
            AssertDistinct(Enum.GetValues<Profession>().Select(p => Labels.Of(p, language)));
            AssertDistinct(Enum.GetValues<RegistrationStatus>().Select(s => Labels.Of(s, language)));
            AssertDistinct(Enum.GetValues<PaymentStatus>().Select(s => Labels.Of(s, language)));
        }
    }

    [Fact]
    public void Professions_use_the_glossarys_japanese_names()
    {
        Assert.Equal("公認心理師", Labels.Of(Profession.CertifiedPublicPsychologist, PreferredLanguage.Ja));
        Assert.Equal("臨床心理士", Labels.Of(Profession.ClinicalPsychologist, PreferredLanguage.Ja));
        Assert.Equal("精神保健福祉士", Labels.Of(Profession.PsychiatricSocialWorker, PreferredLanguage.Ja));
        Assert.Equal("Clinical psychologist", Labels.Of(Profession.ClinicalPsychologist, PreferredLanguage.En));
    }

    [Fact]
    public void The_payments_csv_prints_statuses_in_the_headers_language_and_keeps_formulas_neutral()
    {
        var at = new DateTimeOffset(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);
        var response = new ListEventPayments.Response(Guid.NewGuid(), new ListEventPayments.Totals(0, 0, 0, 0, 0, 0, 0, 0, 0),
            [new ListEventPayments.Line(Guid.NewGuid(), Guid.NewGuid(), "=cmd()", 3000, PaymentStatus.Paid, 1000, at, at)], null);

        var japanese = Text(ListEventPayments.ToCsv(response, PreferredLanguage.Ja));
        var english = Text(ListEventPayments.ToCsv(response, PreferredLanguage.En));

        Assert.Contains(",'=cmd(),3000,支払済み,1000,", japanese);
        Assert.Contains(",'=cmd(),3000,Paid,1000,", english);
        Assert.StartsWith("Payment ID,", english);
        Assert.DoesNotContain("支払", english);
    }

    private static void AssertDistinct(IEnumerable<string> labels)
    {
        var list = labels.ToList();
        Assert.All(list, l => Assert.False(string.IsNullOrWhiteSpace(l)));
        Assert.Equal(list.Count, list.Distinct().Count());
    }

    private static string Text(byte[] bytes)
    {
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes[..3]);
        return System.Text.Encoding.UTF8.GetString(bytes, 3, bytes.Length - 3);
    }
}

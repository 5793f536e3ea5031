using Microsoft.Extensions.DependencyInjection;
using Assemble.Api.Common;
using System.Net.Http.Json;
using Assemble.Api.Features.Memberships;
using Assemble.Api.IntegrationTests.Infrastructure;
using Assemble.Api.Features.Receipts;
using Assemble.Domain.Memberships;
using Assemble.Domain.Receipts;
using Microsoft.EntityFrameworkCore;
using Xunit;

namespace Assemble.Api.IntegrationTests;

/// <summary>Dues by bank transfer, recorded by admins, and what a member sees of their membership.</summary>
public sealed class MembershipTests(EventsFactory api) : IClassFixture<EventsFactory>
{
    private static DateOnly Today => MembershipPayment.DayInJapan(DateTimeOffset.UtcNow);

    private async Task<string> PlanAsync(TestMember admin, string validity = "twelveMonths", string[]? professions = null, int price = 5_000)
    {
        var code = "plan-" + Guid.NewGuid().ToString("N")[..8];
        await admin.Client.PutAsync<MembershipPlans.MembershipPlanView>($"/api/admin/membership/plans/{code}",
            new { name = "一般会員", priceYen = price, professions = professions ?? [], validity, tax = "outOfScope", offered = true }, 201);
        return code;
    }

    private static Task<HttpResponseMessage> TransferAsync(TestMember admin, Guid memberId, string plan, DateOnly paidOn, int amount = 5_000, string? reference = "ﾔﾏﾀﾞ ﾊﾅｺ")
        => admin.Client.PostAsJsonAsync($"/api/admin/members/{memberId}/membership/payments", new { planCode = plan, paidOn, amountYen = amount, reference });

    [Fact]
    public async Task A_recorded_transfer_makes_the_member_active_and_an_early_renewal_chains_on_audited()
    {
        var admin = await api.AdminAsync();
        var member = await api.MemberAsync();
        var plan = await PlanAsync(admin);
        var none = await member.Client.GetAsync<MembershipDues.MyMembershipView>("/api/me/membership");
        Assert.Equal(MembershipStatus.None, none.Status);
        Assert.Empty(none.Payments);

        var first = await (await TransferAsync(admin, member.Id, plan, Today)).ReadAsync<MembershipDues.MembershipPaymentView>(201);
        Assert.Equal((Today, Today.AddMonths(12).AddDays(-1), DuesMethod.BankTransfer, "ﾔﾏﾀﾞ ﾊﾅｺ"), (first.StartsOn, first.EndsOn, first.Method, first.Reference));
        var renewal = await (await TransferAsync(admin, member.Id, plan, Today)).ReadAsync<MembershipDues.MembershipPaymentView>(201);
        Assert.Equal(first.EndsOn.AddDays(1), renewal.StartsOn);

        // The member is told, with a signed link to the receipt that opens without signing in.
        var mail = await api.DbAsync(db => db.OutboxEmails.Where(o => o.To == member.Email && o.Subject == "【Assemble】年会費の入金を確認しました").Select(o => o.TextBody).FirstAsync());
        Assert.Contains("会員期間: " + first.StartsOn.ToString("yyyy/MM/dd"), mail);
        var link = new Uri(System.Text.RegularExpressions.Regex.Match(mail, @"領収書（PDF）: (\S+)").Groups[1].Value);
        var pdf = await api.CreateClient().PostAsync(link.PathAndQuery, null);
        Assert.Equal("application/pdf", pdf.Content.Headers.ContentType?.MediaType);

        var mine = await member.Client.GetAsync<MembershipDues.MyMembershipView>("/api/me/membership");
        Assert.Equal((MembershipStatus.Active, plan, renewal.EndsOn, (DateOnly?)null), (mine.Status, mine.PlanCode, mine.PaidUntil!.Value, mine.GraceEndsOn));
        Assert.Equal([first.Id, renewal.Id], mine.Payments.Select(p => p.Id));
        Assert.Equal(2, await api.DbAsync(db => db.AuditEntries.CountAsync(a => a.Action == "membership.transfer_recorded" && a.SubjectId == member.Id)));
    }

    [Fact]
    public async Task A_member_whose_paid_time_ended_is_in_grace_then_lapsed_and_a_renewal_in_grace_continues()
    {
        var admin = await api.AdminAsync();
        var member = await api.MemberAsync();
        var plan = await PlanAsync(admin);
        var lastYear = Today.AddMonths(-12).AddDays(-10);
        await Expect.StatusAsync(await TransferAsync(admin, member.Id, plan, lastYear), 201);
        var grace = await member.Client.GetAsync<MembershipDues.MyMembershipView>("/api/me/membership");
        Assert.Equal(MembershipStatus.Grace, grace.Status);
        Assert.Equal(lastYear.AddMonths(12).AddDays(-1).AddDays(30), grace.GraceEndsOn);

        var renewal = await (await TransferAsync(admin, member.Id, plan, Today)).ReadAsync<MembershipDues.MembershipPaymentView>(201);
        Assert.Equal(lastYear.AddMonths(12), renewal.StartsOn);
        Assert.Equal(MembershipStatus.Active, (await member.Client.GetAsync<MembershipDues.MyMembershipView>("/api/me/membership")).Status);

        var lapsed = await api.MemberAsync();
        await Expect.StatusAsync(await TransferAsync(admin, lapsed.Id, plan, Today.AddMonths(-14)), 201);
        Assert.Equal(MembershipStatus.Lapsed, (await lapsed.Client.GetAsync<MembershipDues.MyMembershipView>("/api/me/membership")).Status);
    }

    [Fact]
    public async Task Renewal_reminders_go_out_once_thirty_and_seven_days_before_and_not_after_a_renewal()
    {
        var admin = await api.AdminAsync();
        var plan = await PlanAsync(admin);
        var (member, renewed) = (await api.MemberAsync(), await api.MemberAsync());
        var paid = await (await TransferAsync(admin, member.Id, plan, Today)).ReadAsync<MembershipDues.MembershipPaymentView>(201);
        await Expect.StatusAsync(await TransferAsync(admin, renewed.Id, plan, Today), 201);
        await Expect.StatusAsync(await TransferAsync(admin, renewed.Id, plan, Today), 201); // next year's, paid early
        var scopes = api.Services.GetRequiredService<IServiceScopeFactory>();
        // Noon in Tokyo on the given day.
        async Task RunOn(DateOnly day) => await MembershipReminders.RunOnceAsync(scopes, new DateTimeOffset(day.ToDateTime(new TimeOnly(3, 0)), TimeSpan.Zero), CancellationToken.None);
        Task<List<string>> Subjects(TestMember m) => api.DbAsync(db => db.OutboxEmails.Where(o => o.To == m.Email && o.Subject.Contains("会員期限")).OrderBy(o => o.CreatedAt).Select(o => o.Subject).ToListAsync());

        // A member whose paid time ends 20 days earlier: no run came in her 30-day window, so the first one sends it,
        // saying the days really left (11), and no second one follows in the same window.
        var late = await api.MemberAsync();
        await Expect.StatusAsync(await TransferAsync(admin, late.Id, plan, Today.AddDays(-20)), 201);
        await RunOn(paid.EndsOn.AddDays(-31));
        Assert.Empty(await Subjects(member));
        Assert.Equal(["【Assemble】会員期限のお知らせ（あと11日）"], await Subjects(late));
        await RunOn(paid.EndsOn.AddDays(-30));
        await RunOn(paid.EndsOn.AddDays(-30));
        await RunOn(paid.EndsOn.AddDays(-29));
        Assert.Equal(["【Assemble】会員期限のお知らせ（あと30日）"], await Subjects(member));
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => RunOn(paid.EndsOn.AddDays(-7))));
        Assert.Equal(["【Assemble】会員期限のお知らせ（あと30日）", "【Assemble】会員期限のお知らせ（あと7日）"], await Subjects(member));
        var mail = await api.DbAsync(db => db.OutboxEmails.Where(o => o.To == member.Email && o.Subject.Contains("あと7日")).Select(o => o.TextBody).SingleAsync());
        Assert.Contains($"{paid.EndsOn.Year}年{paid.EndsOn.Month}月{paid.EndsOn.Day}日", mail);
        Assert.Empty(await Subjects(renewed));
        Assert.Equal(["【Assemble】会員期限のお知らせ（あと11日）"], await Subjects(late)); // its 7-day window passed between the runs
    }

    [Fact]
    public async Task Two_transfers_recorded_at_once_chain_one_after_the_other()
    {
        var admin = await api.AdminAsync();
        var member = await api.MemberAsync();
        var plan = await PlanAsync(admin);
        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => TransferAsync(admin, member.Id, plan, Today)));
        Assert.All(responses, r => Assert.Equal(201, (int)r.StatusCode));
        var periods = await api.DbAsync(db => db.MembershipPayments.Where(p => p.MemberId == member.Id).OrderBy(p => p.StartsOn).Select(p => new { p.StartsOn, p.EndsOn }).ToListAsync());
        Assert.Equal(6, periods.Count);
        for (var i = 1; i < periods.Count; i++) Assert.Equal(periods[i - 1].EndsOn.AddDays(1), periods[i].StartsOn);
    }

    [Fact]
    public async Task Bad_transfers_get_clear_answers_and_write_nothing()
    {
        var admin = await api.AdminAsync();
        var member = await api.MemberAsync();
        var plan = await PlanAsync(admin);
        var professionals = await PlanAsync(admin, "fiscalYear", ["clinicalPsychologist"], 8_000);
        await Expect.FieldErrorAsync(await TransferAsync(admin, member.Id, plan, Today.AddDays(2)), "paidOn");
        await Expect.FieldErrorAsync(await TransferAsync(admin, member.Id, plan, Today, amount: -5), "amountYen");
        await Expect.FieldErrorAsync(await TransferAsync(admin, member.Id, plan, Today, reference: "1行目\n2行目"), "reference");
        await Expect.FieldErrorAsync(await TransferAsync(admin, member.Id, "no-such-plan", Today), "planCode");
        await Expect.FieldErrorAsync(await admin.Client.PostAsJsonAsync($"/api/admin/members/{member.Id}/membership/payments", new { planCode = plan, amountYen = 5_000 }), "paidOn");
        await Expect.ProblemAsync(await TransferAsync(admin, member.Id, professionals, Today), 422, "membership.not_eligible");
        await Expect.ProblemAsync(await TransferAsync(admin, Guid.NewGuid(), plan, Today), 404, "member.not_found");
        Assert.Equal(0, await api.DbAsync(db => db.MembershipPayments.CountAsync(p => p.MemberId == member.Id)));

        await api.VerifiedAsync("clinicalPsychologist", member);
        await Expect.StatusAsync(await TransferAsync(admin, member.Id, professionals, Today, amount: 8_000), 201);
    }

    [Fact]
    public async Task Only_admins_record_transfers_and_a_member_sees_only_their_own_membership()
    {
        var admin = await api.AdminAsync();
        var members = await api.MembersAsync(2);
        var plan = await PlanAsync(admin);
        await Expect.ProblemAsync(await TransferAsync(members[0], members[0].Id, plan, Today), 403, "auth.forbidden");
        await Expect.StatusAsync(await api.CreateClient().GetAsync("/api/me/membership"), 401);
        await Expect.StatusAsync(await TransferAsync(admin, members[0].Id, plan, Today), 201);
        Assert.Equal(MembershipStatus.None, (await members[1].Client.GetAsync<MembershipDues.MyMembershipView>("/api/me/membership")).Status);
    }
}

/// <summary>A registered issuer (its own database, so that the year's receipt numbers start at 1).</summary>
public sealed class RegisteredIssuerFactory : EventsFactory
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Receipts:RegistrationNumber"] = "T7010705000725",
        ["Receipts:IssuerName"] = "一般社団法人 対人支援職協会",
        ["Receipts:IssuerAddress"] = "東京都千代田区神田1-1-1",
    };
}

public sealed class ReceiptTests(RegisteredIssuerFactory api) : IClassFixture<RegisteredIssuerFactory>
{
    private static DateOnly Today => MembershipPayment.DayInJapan(DateTimeOffset.UtcNow);

    private async Task<string> PlanAsync(TestMember admin)
    {
        var code = "plan-" + Guid.NewGuid().ToString("N")[..8];
        await admin.Client.PutAsync<MembershipPlans.MembershipPlanView>($"/api/admin/membership/plans/{code}",
            new { name = "正会員", priceYen = 8_800, professions = Array.Empty<string>(), validity = "fiscalYear", tax = "standard", offered = true }, 201);
        return code;
    }

    [Fact]
    public async Task Every_recorded_transfer_gets_one_qualified_receipt_that_only_its_payer_and_admins_can_read()
    {
        var admin = await api.AdminAsync();
        var members = await api.MembersAsync(2);
        var plan = await PlanAsync(admin);
        var payment = await (await admin.Client.PostAsJsonAsync($"/api/admin/members/{members[0].Id}/membership/payments", new { planCode = plan, paidOn = Today, amountYen = 8_800 }))
            .ReadAsync<MembershipDues.MembershipPaymentView>(201);

        var receipt = Assert.Single(await members[0].Client.GetAsync<List<Receipts.ReceiptView>>("/api/me/receipts"));
        Assert.Matches($"^{Today.Year}-\\d{{6}}$", receipt.Number);
        Assert.True(receipt.Qualified);
        Assert.Equal(("T7010705000725", "一般社団法人 対人支援職協会", Receipts.UnnamedAddressee), (receipt.Issuer.RegistrationNumber, receipt.Issuer.Name, receipt.Addressee));
        Assert.Equal((8_800, Today), (receipt.TotalYen, receipt.TransactionOn));
        Assert.Equal([new TaxLine(TaxCategory.Standard, 8_800, 800)], receipt.Taxes);
        Assert.Contains(payment.StartsOn.ToString("yyyy/MM/dd"), Assert.Single(receipt.Items).Description);

        await Expect.StatusAsync(await members[0].Client.GetAsync($"/api/receipts/{receipt.Id}"), 200);
        await Expect.StatusAsync(await admin.Client.GetAsync($"/api/receipts/{receipt.Id}"), 200);
        await Expect.ProblemAsync(await members[1].Client.GetAsync($"/api/receipts/{receipt.Id}"), 404, "receipt.not_found");
        await Expect.StatusAsync(await api.CreateClient().GetAsync($"/api/receipts/{receipt.Id}"), 401);
        Assert.Empty(await members[1].Client.GetAsync<List<Receipts.ReceiptView>>("/api/me/receipts"));
    }

    [Fact]
    public async Task Two_hundred_payments_settled_at_once_get_two_hundred_consecutive_numbers()
    {
        var admin = await api.AdminAsync();
        var plan = await PlanAsync(admin);
        var members = await api.MembersAsync(50);
        var before = await api.DbAsync(db => db.Receipts.Where(r => r.Year == Today.Year).Select(r => (int?)r.Sequence).MaxAsync()) ?? 0;

        var responses = await Task.WhenAll(members.SelectMany(m => Enumerable.Range(0, 4).Select(_ =>
            admin.Client.PostAsJsonAsync($"/api/admin/members/{m.Id}/membership/payments", new { planCode = plan, paidOn = Today, amountYen = 8_800 }))));
        Assert.All(responses, r => Assert.Equal(201, (int)r.StatusCode));

        var ids = members.Select(m => m.Id).ToList();
        var numbers = await api.DbAsync(db => db.Receipts.Where(r => ids.Contains(r.PayerId)).Select(r => r.Sequence).OrderBy(s => s).ToListAsync());
        Assert.Equal(Enumerable.Range(before + 1, 200), numbers);
        Assert.Equal(before + 200, await api.DbAsync(db => db.ReceiptSequences.Where(s => s.Year == Today.Year).Select(s => s.Last).SingleAsync()));
    }
}

/// <summary>The treasurer's archive: found by date, amount, addressee and kind; as CSV one row per receipt and rate.</summary>
public sealed class ReceiptArchiveTests(RegisteredIssuerFactory api) : IClassFixture<RegisteredIssuerFactory>
{
    private static DateOnly Today => MembershipPayment.DayInJapan(DateTimeOffset.UtcNow);

    [Fact]
    public async Task The_archive_finds_receipts_by_date_amount_and_addressee_and_exports_them()
    {
        var admin = await api.AdminAsync();
        var code = "plan-" + Guid.NewGuid().ToString("N")[..8];
        await admin.Client.PutAsync<MembershipPlans.MembershipPlanView>($"/api/admin/membership/plans/{code}",
            new { name = "正会員", priceYen = 8_800, professions = Array.Empty<string>(), validity = "twelveMonths", tax = "standard", offered = true }, 201);
        var tag = "診療所" + Guid.NewGuid().ToString("N")[..6];
        var members = await api.MembersAsync(3);
        var paid = new[] { (Today.AddDays(-40), 8_800), (Today.AddDays(-10), 12_000), (Today, 3_000) };
        for (var i = 0; i < 3; i++)
            await Expect.StatusAsync(await admin.Client.PostAsJsonAsync($"/api/admin/members/{members[i].Id}/membership/payments",
                new { planCode = code, paidOn = paid[i].Item1, amountYen = paid[i].Item2 }), 201);
        for (var i = 0; i < 3; i++)
        {
            var mine = Assert.Single(await members[i].Client.GetAsync<List<Receipts.ReceiptView>>("/api/me/receipts"));
            await Expect.StatusAsync(await members[i].Client.PutAsJsonAsync($"/api/receipts/{mine.Id}/addressee", new { addressee = $"医療法人 {tag} {i}" }), 200);
        }

        async Task<List<int>> Totals(string query)
            => (await admin.Client.GetAsync<Page<Receipts.ReceiptView>>($"/api/admin/receipts?addressee={Uri.EscapeDataString(tag)}&{query}")).Items.Select(r => r.TotalYen).ToList();
        Assert.Equal([8_800, 12_000, 3_000], await Totals(""));
        Assert.Equal([8_800, 12_000], await Totals("minYen=5000&maxYen=12000"));
        Assert.Equal([12_000, 3_000], await Totals($"from={Today.AddDays(-10):yyyy-MM-dd}&to={Today:yyyy-MM-dd}"));
        Assert.Equal([3_000], await Totals($"from={Today:yyyy-MM-dd}&kind=sale"));
        Assert.Empty(await Totals("kind=return"));
        var firstPage = await admin.Client.GetAsync<Page<Receipts.ReceiptView>>($"/api/admin/receipts?addressee={Uri.EscapeDataString(tag)}&limit=2");
        Assert.Equal(2, firstPage.Items.Count);
        Assert.Equal([3_000], (await admin.Client.GetAsync<Page<Receipts.ReceiptView>>($"/api/admin/receipts?addressee={Uri.EscapeDataString(tag)}&cursor={firstPage.NextCursor}")).Items.Select(r => r.TotalYen));

        var csv = System.Text.Encoding.UTF8.GetString(await admin.Client.GetByteArrayAsync($"/api/admin/receipts.csv?addressee={Uri.EscapeDataString(tag)}&minYen=10000")).TrimStart('\uFEFF');
        var lines = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("番号,種別,適格請求書,取引年月日", lines[0]);
        Assert.True(await api.DbAsync(db => db.AuditEntries.AnyAsync(a => a.Action == "receipts.exported" && a.ActorId == admin.Id && a.Detail!.EndsWith("count=1"))));
        var row = Assert.Single(lines.Skip(1)).Split(',');
        Assert.Equal(["領収", "はい", Today.AddDays(-10).ToString("yyyy-MM-dd"), $"医療法人 {tag} 1", "課税(標準税率)", "10", "12000", "1090", "12000"],
            row[1..4].Concat(row[5..11]));

        await Expect.FieldErrorAsync(await admin.Client.GetAsync($"/api/admin/receipts?from={Today:yyyy-MM-dd}&to={Today.AddDays(-1):yyyy-MM-dd}"), "to");
        await Expect.FieldErrorAsync(await admin.Client.GetAsync("/api/admin/receipts?minYen=-1"), "minYen");
        await Expect.FieldErrorAsync(await admin.Client.GetAsync("/api/admin/receipts?kind=invoice"), "kind");
        await Expect.StatusAsync(await members[0].Client.GetAsync("/api/admin/receipts"), 403);
        await Expect.StatusAsync(await members[0].Client.GetAsync("/api/admin/receipts.csv"), 403);
    }

    [Fact]
    public async Task The_roll_lists_each_payer_by_standing_and_exports_it_for_the_treasurer()
    {
        var admin = await api.AdminAsync();
        var code = "plan-" + Guid.NewGuid().ToString("N")[..8];
        await admin.Client.PutAsync<MembershipPlans.MembershipPlanView>($"/api/admin/membership/plans/{code}",
            new { name = "学生会員", priceYen = 3_000, professions = Array.Empty<string>(), validity = "twelveMonths", tax = "outOfScope", offered = true }, 201);
        var (active, grace, lapsed) = (await api.MemberAsync(), await api.MemberAsync(), await api.MemberAsync());
        foreach (var (member, day) in new[] { (active, Today), (grace, Today.AddMonths(-12).AddDays(-3)), (lapsed, Today.AddMonths(-15)) })
            await Expect.StatusAsync(await admin.Client.PostAsJsonAsync($"/api/admin/members/{member.Id}/membership/payments", new { planCode = code, paidOn = day, amountYen = 3_000 }), 201);

        async Task<List<MembershipRoll.MembershipLine>> Roll(string status)
        {
            var lines = new List<MembershipRoll.MembershipLine>();
            string? cursor = null;
            do
            {
                var page = await admin.Client.GetAsync<Page<MembershipRoll.MembershipLine>>($"/api/admin/memberships?status={status}&limit=100{(cursor is null ? "" : "&cursor=" + cursor)}");
                lines.AddRange(page.Items);
                cursor = page.NextCursor;
            } while (cursor is not null);
            return lines;
        }
        var ours = new[] { active.Id, grace.Id, lapsed.Id };
        Assert.Equal([active.Id], (await Roll("active")).Select(l => l.MemberId).Intersect(ours));
        var graceLine = Assert.Single(await Roll("grace"), l => ours.Contains(l.MemberId));
        Assert.Equal((grace.Id, code, Today.AddMonths(-12).AddDays(-3).AddMonths(12).AddDays(-1).AddDays(30)), (graceLine.MemberId, graceLine.PlanCode, graceLine.GraceEndsOn!.Value));
        Assert.Equal([lapsed.Id], (await Roll("lapsed")).Select(l => l.MemberId).Intersect(ours));

        var csv = System.Text.Encoding.UTF8.GetString(await admin.Client.GetByteArrayAsync("/api/admin/memberships.csv?status=active"));
        Assert.Contains($"{active.Id},", csv);
        Assert.Contains(",有効,", csv);
        Assert.DoesNotContain(grace.Id.ToString(), csv);
        Assert.True(await api.DbAsync(db => db.AuditEntries.AnyAsync(a => a.Action == "memberships.exported" && a.ActorId == admin.Id && a.Detail!.StartsWith("status=Active"))));
        await Expect.FieldErrorAsync(await admin.Client.GetAsync("/api/admin/memberships?status=gold"), "status");
        await Expect.StatusAsync(await active.Client.GetAsync("/api/admin/memberships"), 403);
        await Expect.StatusAsync(await active.Client.GetAsync("/api/admin/memberships.csv"), 403);
    }
}

public sealed class ReceiptIssuerSettingsTests
{
    private sealed class BadNumberFactory : ApiFactory
    {
        protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Receipts:RegistrationNumber"] = "T7010705000724" };
    }

    [Fact]
    public async Task A_registration_number_with_a_wrong_check_digit_stops_the_start()
    {
        await using var bad = new BadNumberFactory();
        await ((IAsyncLifetime)bad).InitializeAsync();
        var failure = Assert.ThrowsAny<Exception>(() => bad.CreateClient());
        Assert.Contains("Receipts:RegistrationNumber", failure.ToString());
    }
}

public sealed class ReceiptAddresseeTests(RegisteredIssuerFactory api) : IClassFixture<RegisteredIssuerFactory>
{
    private async Task<(TestMember Payer, Receipts.ReceiptView Receipt)> PaidAsync()
    {
        var admin = await api.AdminAsync();
        var payer = await api.MemberAsync();
        var code = "plan-" + Guid.NewGuid().ToString("N")[..8];
        await admin.Client.PutAsync<MembershipPlans.MembershipPlanView>($"/api/admin/membership/plans/{code}",
            new { name = "正会員", priceYen = 8_800, professions = Array.Empty<string>(), validity = "fiscalYear", tax = "standard", offered = true }, 201);
        await Expect.StatusAsync(await admin.Client.PostAsJsonAsync($"/api/admin/members/{payer.Id}/membership/payments",
            new { planCode = code, paidOn = MembershipPayment.DayInJapan(DateTimeOffset.UtcNow), amountYen = 8_800 }), 201);
        return (payer, Assert.Single(await payer.Client.GetAsync<List<Receipts.ReceiptView>>("/api/me/receipts")));
    }

    [Fact]
    public async Task The_payer_sets_the_addressee_before_the_first_download_and_nobody_else_can()
    {
        var (payer, receipt) = await PaidAsync();
        var changed = await payer.Client.PutAsync<Receipts.ReceiptView>($"/api/receipts/{receipt.Id}/addressee", new { addressee = " 医療法人 さくら会 " });
        Assert.Equal(("医療法人 さくら会", receipt.Number, receipt.Id), (changed.Addressee, changed.Number, changed.Id));
        Assert.Equal("医療法人 さくら会", (await payer.Client.GetAsync<Receipts.ReceiptView>($"/api/receipts/{receipt.Id}")).Addressee);

        await Expect.FieldErrorAsync(await payer.Client.PutAsJsonAsync($"/api/receipts/{receipt.Id}/addressee", new { addressee = "医療法人\nさくら会" }), "addressee");
        var stranger = await api.MemberAsync();
        await Expect.ProblemAsync(await stranger.Client.PutAsJsonAsync($"/api/receipts/{receipt.Id}/addressee", new { addressee = "株式会社 みらい" }), 404, "receipt.not_found");
        await Expect.ProblemAsync(await payer.Client.PutAsJsonAsync($"/api/receipts/{Guid.NewGuid()}/addressee", new { addressee = "株式会社 みらい" }), 404, "receipt.not_found");
        Assert.Equal("医療法人 さくら会", await api.DbAsync(db => db.Receipts.Where(r => r.Id == receipt.Id).Select(r => r.Addressee).SingleAsync()));
    }

    [Fact]
    public async Task After_the_first_download_a_new_addressee_is_a_reissue_and_the_original_stays()
    {
        var (payer, receipt) = await PaidAsync();
        // The PDF route (not built yet) will mark the download; the database stands in for it here.
        await api.ScalarAsync($"UPDATE receipts SET first_downloaded_at = now() WHERE id = '{receipt.Id}'");

        var reissue = await payer.Client.PutAsync<Receipts.ReceiptView>($"/api/receipts/{receipt.Id}/addressee", new { addressee = "株式会社 みらい" }, 201);
        Assert.Equal(("株式会社 みらい", receipt.Id, receipt.TotalYen), (reissue.Addressee, reissue.ReissueOf, reissue.TotalYen));
        Assert.NotEqual(receipt.Number, reissue.Number);
        Assert.Equal(receipt.Addressee, (await payer.Client.GetAsync<Receipts.ReceiptView>($"/api/receipts/{receipt.Id}")).Addressee);

        // The same addressee again changes nothing and takes no number.
        var last = await api.DbAsync(db => db.ReceiptSequences.Select(s => s.Last).SingleAsync());
        await payer.Client.PutAsync<Receipts.ReceiptView>($"/api/receipts/{receipt.Id}/addressee", new { addressee = receipt.Addressee });
        Assert.Equal(last, await api.DbAsync(db => db.ReceiptSequences.Select(s => s.Last).SingleAsync()));
        Assert.Equal(2, (await payer.Client.GetAsync<List<Receipts.ReceiptView>>("/api/me/receipts")).Count);
    }
}

using Assemble.Domain.Members;
using Assemble.Domain.Referrals;
using Xunit;

namespace Assemble.Domain.UnitTests.Referrals;

public sealed class ReferralStateTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly ContactChannel Phone = new(ContactKind.Phone, "06-6123-4567");

    private static ReferralRequest NewRequest() => ReferralRequest.Create(Guid.NewGuid(), [Profession.ClinicalPsychologist], ["trauma-ptsd"], [], AgeGroup.Adolescent,
        ["ja"], [Delivery.Online], [Prefecture.Osaka], null, false, Urgency.Routine, "TF-CBT をお願いできる方", new HashSet<string> { "trauma-ptsd" }, new HashSet<string>(), Now).Value!;

    public static TheoryData<IntroductionStatus, IntroductionStatus, bool> EveryPair()
    {
        var allowed = new HashSet<(IntroductionStatus, IntroductionStatus)>
        {
            (IntroductionStatus.Sent, IntroductionStatus.Accepted), (IntroductionStatus.Sent, IntroductionStatus.Declined),
            (IntroductionStatus.Sent, IntroductionStatus.Expired), (IntroductionStatus.Sent, IntroductionStatus.Withdrawn),
            (IntroductionStatus.Accepted, IntroductionStatus.Closed), (IntroductionStatus.Declined, IntroductionStatus.Closed),
            (IntroductionStatus.Expired, IntroductionStatus.Closed), (IntroductionStatus.Withdrawn, IntroductionStatus.Closed),
        };
        var data = new TheoryData<IntroductionStatus, IntroductionStatus, bool>();
        foreach (var from in Enum.GetValues<IntroductionStatus>())
            foreach (var to in Enum.GetValues<IntroductionStatus>())
                data.Add(from, to, allowed.Contains((from, to)));
        return data;
    }

    [Theory]
    [MemberData(nameof(EveryPair))]
    public void The_written_machine_allows_exactly_its_transitions(IntroductionStatus from, IntroductionStatus to, bool allowed)
        => Assert.Equal(allowed, ReferralStates.Allows(from, to));

    [Fact]
    public void A_draft_becomes_sent_and_keeps_at_most_five_introductions_open()
    {
        var request = NewRequest();
        Assert.Equal(ReferralStatus.Draft, request.Status);
        var five = Enumerable.Range(0, 5).Select(_ => Guid.NewGuid()).ToList();
        Assert.True(request.Introduce(five, Phone, Now).IsSuccess);
        Assert.Equal(ReferralStatus.Sent, request.Status);
        Assert.All(request.Introductions, i => Assert.Equal(Now.AddHours(72), i.RespondBy));
        Assert.Equal("introduction.too_many_open", request.Introduce([Guid.NewGuid()], Phone, Now).Error!.Code);
        Assert.Equal("introduction.already_invited", request.Introduce([five[0]], Phone, Now).Error!.Code);
        Assert.Equal("introduction.self", request.Introduce([request.RequesterId], Phone, Now).Error!.Code);
        // Past the deadline they no longer count as open.
        Assert.True(request.Introduce([Guid.NewGuid()], Phone, Now.AddHours(73)).IsSuccess);
        Assert.Equal(5, request.Introductions.Count(i => i.Status == IntroductionStatus.Expired));
    }

    [Fact]
    public void Contacts_are_revealed_only_by_accepting_and_closing_needs_an_accepted_introduction()
    {
        var request = NewRequest();
        var (a, b) = (Guid.NewGuid(), Guid.NewGuid());
        request.Introduce([a, b], Phone, Now);
        Assert.Equal("referral.nothing_accepted", request.Close(ReferralOutcome.Unknown, Now).Error!.Code);
        var ia = request.Introductions.Single(i => i.InviteeId == a);
        Assert.False(ia.ContactsRevealed);
        Assert.Equal("introduction.not_found", request.Accept(ia.Id, b, Phone, Now).Error!.Code);
        Assert.True(request.Accept(ia.Id, a, new ContactChannel(ContactKind.Email, "office@example.jp"), Now.AddHours(1)).IsSuccess);
        Assert.True(ia.ContactsRevealed);
        Assert.True(request.Close(ReferralOutcome.FirstSessionBooked, Now.AddDays(3)).IsSuccess);
        Assert.All(request.Introductions, i => Assert.Equal(IntroductionStatus.Closed, i.Status));
        Assert.True(ia.ContactsRevealed);
        Assert.False(request.Introductions.Single(i => i.InviteeId == b).ContactsRevealed);
        Assert.Equal("referral.invalid_transition", request.Withdraw(Now.AddDays(4)).Error!.Code);
    }

    [Fact]
    public void A_late_answer_is_refused_as_expired()
    {
        var request = NewRequest();
        var a = Guid.NewGuid();
        request.Introduce([a], Phone, Now);
        var error = request.Decline(request.Introductions[0].Id, a, DeclineReason.Fee, Now.AddHours(72).AddSeconds(1)).Error;
        Assert.Equal("introduction.expired", error!.Code);
        Assert.Equal(IntroductionStatus.Expired, request.Introductions[0].Status);
    }

    [Fact]
    public void Free_text_and_contacts_go_90_days_after_closing_and_the_coded_need_stays()
    {
        var request = NewRequest();
        request.Introduce([Guid.NewGuid()], Phone, Now);
        request.Withdraw(Now);
        Assert.False(request.ForgetFreeText(Now.AddDays(89)));
        Assert.True(request.ForgetFreeText(Now.AddDays(90)));
        Assert.Null(request.Note);
        Assert.Null(request.RequesterContact);
        Assert.Equal(["trauma-ptsd"], request.Specialties);
        Assert.False(request.ForgetFreeText(Now.AddDays(91)));
    }

    [Theory]
    [InlineData(ContactKind.Email, "office@example.jp", true)]
    [InlineData(ContactKind.Email, "office.example.jp", false)]
    [InlineData(ContactKind.Phone, "+81 6-6123-4567", true)]
    [InlineData(ContactKind.Phone, "call me", false)]
    [InlineData(ContactKind.Website, "https://counselling.example.jp/contact", true)]
    [InlineData(ContactKind.Website, "javascript:alert(1)", false)]
    public void A_contact_channel_is_checked_by_its_kind(ContactKind kind, string value, bool valid)
        => Assert.Equal(valid, ContactChannel.Create(kind, value).IsSuccess);

    [Theory]
    [InlineData("携帯 090-1234-5678 まで", new[] { "phone" })]
    [InlineData("〒530-0001", new[] { "postcode" })]
    [InlineData("週1回、50分のセッションを希望します。", new string[0])]
    [InlineData("2週間以内に初回面接を希望。料金は1万円まで。", new string[0])]
    public void The_screen_names_what_it_found_and_leaves_a_plain_need_alone(string note, string[] expected)
        => Assert.Equal(expected, PersonalDataScreen.Find(note));
}

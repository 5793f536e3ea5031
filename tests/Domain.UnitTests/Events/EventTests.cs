using Assemble.Domain.Common;
using Assemble.Domain.Events;
using Assemble.Domain.Members;
using Xunit;

namespace Assemble.Domain.UnitTests.Events;

public sealed class EventTests
{
    private static readonly DateTimeOffset Now = EventBuilder.Now;
    private static readonly DateTimeOffset Start = EventBuilder.Start;
    private static readonly DateTimeOffset End = EventBuilder.End;

    private static EventDetails Broken(string limit)
    {
        var d = EventBuilder.Details();
        return limit switch
        {
            "blank title" => d with { Title = "   " },
            "long title" => d with { Title = new string('t', Event.TitleMaxLength + 1) },
            "long description" => d with { Description = new string('d', Event.DescriptionMaxLength + 1) },
            "capacity 0" => d with { Capacity = 0 },
            "capacity above max" => d with { Capacity = Event.MaxCapacity + 1 },
            "unknown time zone" => d with { TimeZone = "Asia/Atlantis" },
            "time zone abbreviation" => d with { TimeZone = "JST" },
            "http join url" => d with { OnlineJoinUrl = "http://meet.example.jp/assemble" },
            "relative join url" => d with { OnlineJoinUrl = "meet.example.jp/assemble" },
            "hold 29 minutes" => d with { HoldMinutes = 29 },
            "hold over a day" => d with { HoldMinutes = 24 * 60 + 1 },
            "offer 0 hours" => d with { OfferHours = 0 },
            "negative cancellation deadline" => d with { CancellationDeadlineHours = -1 },
            "no sessions" => d with { Sessions = [] },
            "session ends before it starts" => d with { Sessions = [(null, Start, Start.AddHours(-1))] },
            "session ends as it starts" => d with { Sessions = [(null, Start, Start)] },
            "two sessions for a study session" => d with { Sessions = [(null, Start, End), (null, Start.AddDays(7), End.AddDays(7))] },
            "professions audience without professions" => d with { Audience = Audience.Professions, AudienceProfessions = [] },
            "venue without name" => d with { Venue = new Venue(" ", null, null) },
            "choice question with one option" => d with { Questions = [new Question(Guid.NewGuid(), "参加形態", QuestionKind.SingleChoice, ["会場"], true)] },
            _ => throw new ArgumentOutOfRangeException(nameof(limit)),
        };
    }

    [Theory]
    [InlineData("blank title", "title")]
    [InlineData("long title", "title")]
    [InlineData("long description", "description")]
    [InlineData("capacity 0", "capacity")]
    [InlineData("capacity above max", "capacity")]
    [InlineData("unknown time zone", "timeZone")]
    [InlineData("time zone abbreviation", "timeZone")]
    [InlineData("http join url", "onlineJoinUrl")]
    [InlineData("relative join url", "onlineJoinUrl")]
    [InlineData("hold 29 minutes", "holdMinutes")]
    [InlineData("hold over a day", "holdMinutes")]
    [InlineData("offer 0 hours", "offerHours")]
    [InlineData("negative cancellation deadline", "cancellationDeadlineHours")]
    [InlineData("no sessions", "sessions")]
    [InlineData("session ends before it starts", "sessions")]
    [InlineData("session ends as it starts", "sessions")]
    [InlineData("two sessions for a study session", "sessions")]
    [InlineData("professions audience without professions", "audienceProfessions")]
    [InlineData("venue without name", "venue")]
    [InlineData("choice question with one option", "questions")]
    public void Create_WhenALimitIsBroken_ReturnsTheField(string limit, string field)
    {
        var result = Event.Create(Guid.NewGuid(), Guid.NewGuid(), Broken(limit), Now);
        Assert.False(result.IsSuccess);
        Assert.Equal("event.invalid", result.Error!.Code);
        Assert.Equal(ErrorKind.Validation, result.Error.Kind);
        Assert.Equal([field], result.Error.Fields.Keys);
    }

    [Theory]
    [InlineData("blank title", "title")]
    [InlineData("capacity 0", "capacity")]
    [InlineData("unknown time zone", "timeZone")]
    [InlineData("http join url", "onlineJoinUrl")]
    [InlineData("hold 29 minutes", "holdMinutes")]
    [InlineData("session ends before it starts", "sessions")]
    [InlineData("two sessions for a study session", "sessions")]
    [InlineData("professions audience without professions", "audienceProfessions")]
    public void Update_WhenALimitIsBroken_ReturnsTheFieldAndChangesNothing(string limit, string field)
    {
        var e = new EventBuilder().Draft();
        var result = e.Update(Broken(limit), Now.AddHours(1));
        Assert.Equal("event.invalid", result.Error!.Code);
        Assert.True(result.Error.Fields.ContainsKey(field));
        Assert.Equal("事例検討会", e.Title);
        Assert.Equal(30, e.Capacity);
        Assert.Equal(1, e.Sequence);
        Assert.Equal(Now, e.UpdatedAt);
    }

    [Fact]
    public void Create_WithValidDetails_IsADraftWithTrimmedText()
    {
        var organizer = Guid.NewGuid();
        var coOrganizer = Guid.NewGuid();
        var d = EventBuilder.Details() with
        {
            Title = "  事例検討会  ",
            Description = "   ",
            AttendeeNotes = " 3階 ",
            CoOrganizerIds = [organizer, coOrganizer, coOrganizer],
        };
        var e = Event.Create(Guid.NewGuid(), organizer, d, Now).Value!;
        Assert.Equal(EventStatus.Draft, e.Status);
        Assert.Equal("事例検討会", e.Title);
        Assert.Null(e.Description);
        Assert.Equal("3階", e.AttendeeNotes);
        Assert.Equal([coOrganizer], e.CoOrganizerIds);
        Assert.Equal(Start, e.StartsAt);
        Assert.Equal(End, e.EndsAt);
        Assert.Equal(Now, e.CreatedAt);
        Assert.Null(e.PledgeText);
        Assert.True(e.IsOrganizer(organizer));
        Assert.True(e.IsOrganizer(coOrganizer));
    }

    [Theory]
    [InlineData("UTC")]
    [InlineData("Asia/Tokyo")]
    [InlineData("Europe/Berlin")]
    public void Create_WithAKnownTimeZone_Succeeds(string timeZone)
        => Assert.True(Event.Create(Guid.NewGuid(), Guid.NewGuid(), EventBuilder.Details() with { TimeZone = timeZone }, Now).IsSuccess);

    [Fact]
    public void Create_CoachingCohort_OrdersItsSessionsAndSpansFirstToLast()
    {
        var e = new EventBuilder().WithKind(EventKind.CoachingCohort).WithSessions(
            ("第3回", Start.AddDays(14), End.AddDays(14)),
            ("第1回", Start, End),
            ("第2回", Start.AddDays(7), End.AddDays(7))).Draft();
        Assert.Equal(["第1回", "第2回", "第3回"], e.Sessions.Select(s => s.Title));
        Assert.All(e.Sessions, s => Assert.Equal(e.Id, s.EventId));
        Assert.Equal(3, e.Sessions.Select(s => s.Id).Distinct().Count());
        Assert.Equal(Start, e.StartsAt);
        Assert.Equal(End.AddDays(14), e.EndsAt);
    }

    [Fact]
    public void Create_LiveSupervision_CarriesTheDefaultPledge()
    {
        var e = new EventBuilder().AsLiveSupervision().Draft();
        Assert.Equal(Event.DefaultPledge, e.PledgeText);
        Assert.Equal(1, e.PledgeVersion);
    }

    [Fact]
    public void Create_AudienceOtherThanProfessions_DropsTheProfessions()
    {
        var e = new EventBuilder().With(d => d with { Audience = Audience.VerifiedProfessionals, AudienceProfessions = [Profession.Nurse] }).Draft();
        Assert.Empty(e.AudienceProfessions);
    }

    [Fact]
    public void Update_WhenRescheduling_KeepsTheSessionIds()
    {
        var builder = new EventBuilder().WithKind(EventKind.CoachingCohort)
            .WithSessions((null, Start, End), (null, Start.AddDays(7), End.AddDays(7)));
        var e = builder.Draft();
        var ids = e.Sessions.Select(s => s.Id).ToList();

        var moved = builder.BuildDetails() with { Sessions = [("初回", Start.AddDays(1), End.AddDays(1)), ("最終回", Start.AddDays(8), End.AddDays(8))] };
        Assert.True(e.Update(moved, Now.AddHours(1)).IsSuccess);

        Assert.Equal(ids, e.Sessions.Select(s => s.Id));
        Assert.Equal(["初回", "最終回"], e.Sessions.Select(s => s.Title));
        Assert.Equal(Start.AddDays(1), e.Sessions[0].StartsAt);
        Assert.Equal(Start.AddDays(1), e.StartsAt);
        Assert.Equal(End.AddDays(8), e.EndsAt);
    }

    [Fact]
    public void Update_WhenAddingAndRemovingSessions_KeepsTheIdsThatLineUp()
    {
        var builder = new EventBuilder().WithKind(EventKind.CoachingCohort)
            .WithSessions((null, Start, End), (null, Start.AddDays(7), End.AddDays(7)));
        var e = builder.Draft();
        var ids = e.Sessions.Select(s => s.Id).ToList();

        var three = builder.BuildDetails() with { Sessions = [(null, Start, End), (null, Start.AddDays(7), End.AddDays(7)), (null, Start.AddDays(14), End.AddDays(14))] };
        Assert.True(e.Update(three, Now).IsSuccess);
        Assert.Equal(3, e.Sessions.Count);
        Assert.Equal(ids, e.Sessions.Take(2).Select(s => s.Id));
        Assert.DoesNotContain(e.Sessions[2].Id, ids);

        var one = builder.BuildDetails() with { Sessions = [(null, Start, End)] };
        Assert.True(e.Update(one, Now).IsSuccess);
        Assert.Equal([ids[0]], e.Sessions.Select(s => s.Id));
        Assert.Equal(End, e.EndsAt);
    }

    [Fact]
    public void Update_WhenCancelled_ReturnsCancelled()
    {
        var e = new EventBuilder().Published();
        e.Cancel("講師の体調不良のため", [], [], Now);
        var result = e.Update(EventBuilder.Details(), Now.AddHours(1));
        Assert.Equal("event.cancelled", result.Error!.Code);
        Assert.Equal(ErrorKind.Conflict, result.Error.Kind);
    }

    [Fact]
    public void Update_WhenPublishedAndStarted_ReturnsStarted()
        => Assert.Equal("event.started", new EventBuilder().Published().Update(EventBuilder.Details(), Start).Error!.Code);

    [Fact]
    public void Update_WhenPublishedAndMovedIntoThePast_ReturnsStartsInPast()
    {
        var e = new EventBuilder().Published();
        var result = e.Update(EventBuilder.Details() with { Sessions = [(null, Now.AddHours(-1), Now.AddHours(1))] }, Now);
        Assert.Equal("event.starts_in_past", result.Error!.Code);
        Assert.Equal(Start, e.StartsAt);
    }

    [Fact]
    public void Update_WhenDraftIsMovedIntoThePast_Succeeds()
    {
        var e = new EventBuilder().Draft();
        Assert.True(e.Update(EventBuilder.Details() with { Sessions = [(null, Now.AddDays(-1), Now.AddDays(-1).AddHours(2))] }, Now).IsSuccess);
    }

    [Fact]
    public void Update_CapacityBelowSeatsTaken_ReturnsCapacityBelowTaken()
    {
        var e = new EventBuilder().WithTicket(maxPerMember: 5).Published();
        Assert.True(e.TryTakeSeats(e.TicketTypes[0].Id, 5));

        var result = e.Update(EventBuilder.Details() with { Capacity = 4 }, Now);
        Assert.Equal("event.capacity_below_taken", result.Error!.Code);
        Assert.Equal(ErrorKind.Conflict, result.Error.Kind);
        Assert.Equal(30, e.Capacity);

        Assert.True(e.Update(EventBuilder.Details() with { Capacity = 5 }, Now).IsSuccess);
        Assert.Equal(0, e.SeatsLeft);
    }

    [Fact]
    public void Sequence_BumpsOnEveryUpdatePublishAndCancel()
    {
        var e = new EventBuilder().Draft();
        Assert.Equal(1, e.Sequence);
        Assert.True(e.Update(EventBuilder.Details() with { Title = "改題" }, Now.AddMinutes(1)).IsSuccess);
        Assert.Equal(2, e.Sequence);
        Assert.True(e.Publish(new Dictionary<Guid, IReadOnlyList<Profession>>(), Now.AddMinutes(2)).IsSuccess);
        Assert.Equal(3, e.Sequence);
        Assert.True(e.Update(EventBuilder.Details() with { Capacity = 40 }, Now.AddMinutes(3)).IsSuccess);
        Assert.Equal(4, e.Sequence);
        Assert.True(e.Cancel("会場が使えなくなったため", [], [], Now.AddMinutes(4)).IsSuccess);
        Assert.Equal(5, e.Sequence);
        Assert.Equal(Now.AddMinutes(4), e.UpdatedAt);
    }

    [Fact]
    public void Sequence_StaysWhenAChangeIsRefused()
    {
        var e = new EventBuilder().Published();
        var before = e.Sequence;
        Assert.False(e.Update(EventBuilder.Details() with { Title = "" }, Now).IsSuccess);
        Assert.False(e.Publish(new Dictionary<Guid, IReadOnlyList<Profession>>(), Now).IsSuccess);
        Assert.False(e.Cancel(" ", [], [], Now).IsSuccess);
        Assert.Equal(before, e.Sequence);
    }

    [Fact]
    public void Publish_Draft_PublishesAndStampsTheTime()
    {
        var e = new EventBuilder().Draft();
        Assert.True(e.Publish(new Dictionary<Guid, IReadOnlyList<Profession>>(), Now.AddHours(1)).IsSuccess);
        Assert.Equal(EventStatus.Published, e.Status);
        Assert.Equal(Now.AddHours(1), e.PublishedAt);
    }

    [Fact]
    public void Publish_WhenAlreadyPublished_ReturnsNotDraft()
    {
        var builder = new EventBuilder();
        var e = builder.Published();
        var result = e.Publish(builder.VerifiedProfessions, Now);
        Assert.Equal("event.not_draft", result.Error!.Code);
        Assert.Equal(ErrorKind.Conflict, result.Error.Kind);
    }

    [Fact]
    public void Publish_WhenCancelled_ReturnsNotDraft()
    {
        var builder = new EventBuilder();
        var e = builder.Draft();
        e.Cancel("中止", [], [], Now);
        Assert.Equal("event.not_draft", e.Publish(builder.VerifiedProfessions, Now).Error!.Code);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(60)]
    public void Publish_WhenTheStartHasCome_ReturnsStartsInPast(int minutesAfterStart)
    {
        var builder = new EventBuilder();
        var e = builder.Draft();
        var result = e.Publish(builder.VerifiedProfessions, Start.AddMinutes(minutesAfterStart));
        Assert.Equal("event.starts_in_past", result.Error!.Code);
        Assert.Equal(EventStatus.Draft, e.Status);
    }

    [Fact]
    public void Publish_WithoutTicketTypes_ReturnsNoTicketTypes()
    {
        var builder = new EventBuilder().WithoutTicketTypes();
        Assert.Equal("event.no_ticket_types", builder.Draft().Publish(builder.VerifiedProfessions, Now).Error!.Code);
    }

    [Theory]
    [InlineData(EventFormat.InPerson)]
    [InlineData(EventFormat.Hybrid)]
    public void Publish_InPersonOrHybridWithoutVenue_ReturnsVenueRequired(EventFormat format)
    {
        var builder = new EventBuilder().With(d => d with { Format = format, Venue = null });
        Assert.Equal("event.venue_required", builder.Draft().Publish(builder.VerifiedProfessions, Now).Error!.Code);
    }

    [Theory]
    [InlineData(EventFormat.Online)]
    [InlineData(EventFormat.Hybrid)]
    public void Publish_OnlineOrHybridWithoutJoinUrl_ReturnsJoinUrlRequired(EventFormat format)
    {
        var builder = new EventBuilder().With(d => d with { Format = format, Venue = EventBuilder.DefaultVenue, OnlineJoinUrl = null });
        Assert.Equal("event.join_url_required", builder.Draft().Publish(builder.VerifiedProfessions, Now).Error!.Code);
    }

    [Fact]
    public void Publish_InPersonWithVenue_NeedsNoJoinUrl()
    {
        var e = new EventBuilder().InPerson().Published();
        Assert.Equal(EventStatus.Published, e.Status);
        Assert.Equal("梅田こころのクリニック 会議室", e.VenueDisplay);
    }

    [Theory]
    [InlineData(Profession.ClinicalPsychologist)]
    [InlineData(Profession.CertifiedPublicPsychologist)]
    public void Publish_LiveSupervisionWithVerifiedPsychiatristAndPsychologist_Publishes(Profession psychologist)
    {
        var builder = new EventBuilder().WithKind(EventKind.LiveSupervision)
            .WithPanelist(Profession.Psychiatrist).WithPanelist(psychologist);
        var e = builder.Draft();
        Assert.True(e.Publish(builder.VerifiedProfessions, Now).IsSuccess);
    }

    [Fact]
    public void Publish_LiveSupervisionWithOnlyAPsychiatrist_ReturnsPanelIncomplete()
        => AssertPanelIncomplete(new EventBuilder().WithPanelist(Profession.Psychiatrist).WithPanelist(Profession.Physician));

    [Fact]
    public void Publish_LiveSupervisionWithOnlyPsychologists_ReturnsPanelIncomplete()
        => AssertPanelIncomplete(new EventBuilder().WithPanelist(Profession.ClinicalPsychologist).WithPanelist(Profession.CertifiedPublicPsychologist));

    [Fact]
    public void Publish_LiveSupervisionWhosePsychiatristIsASpeaker_ReturnsPanelIncomplete()
        => AssertPanelIncomplete(new EventBuilder().WithPanelist(Profession.Psychiatrist, SpeakerRole.Speaker).WithPanelist(Profession.ClinicalPsychologist));

    [Fact]
    public void Publish_LiveSupervisionWhosePsychiatristIsAGuest_ReturnsPanelIncomplete()
        => AssertPanelIncomplete(new EventBuilder().WithPanelist(Profession.Psychiatrist, guest: true).WithPanelist(Profession.ClinicalPsychologist));

    [Fact]
    public void Publish_LiveSupervisionWhosePsychiatristIsNotVerified_ReturnsPanelIncomplete()
        => AssertPanelIncomplete(new EventBuilder().WithPanelist(null).WithPanelist(Profession.ClinicalPsychologist));

    [Fact]
    public void Publish_OtherKindsWithoutAPanel_Publish()
        => Assert.Equal(EventStatus.Published, new EventBuilder().WithKind(EventKind.Workshop).Published().Status);

    private static void AssertPanelIncomplete(EventBuilder builder)
    {
        var e = builder.WithKind(EventKind.LiveSupervision).Draft();
        var result = e.Publish(builder.VerifiedProfessions, Now);
        Assert.Equal("event.panel_incomplete", result.Error!.Code);
        Assert.Equal(ErrorKind.Rule, result.Error.Kind);
        Assert.Equal(EventStatus.Draft, e.Status);
    }

    [Fact]
    public void Cancel_Published_CancelsAndReleasesEverySeat()
    {
        var e = new EventBuilder().WithTicket(maxPerMember: 3).Published();
        e.TryTakeSeats(e.TicketTypes[0].Id, 3);
        Assert.True(e.Cancel("  講師の体調不良のため  ", [], [], Now.AddHours(1)).IsSuccess);
        Assert.Equal(EventStatus.Cancelled, e.Status);
        Assert.Equal("講師の体調不良のため", e.CancellationReason);
        Assert.Equal(Now.AddHours(1), e.CancelledAt);
        Assert.Equal(0, e.SeatsTaken);
        Assert.Equal(0, e.TicketTypes[0].SeatsTaken);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Cancel_WithoutAReasonOrWithAnOverlongOne_ReturnsReason(bool overlong)
    {
        var e = new EventBuilder().Published();
        var result = e.Cancel(overlong ? new string('r', 1001) : "   ", [], [], Now);
        Assert.True(result.Error!.Fields.ContainsKey("reason"));
        Assert.Equal(EventStatus.Published, e.Status);
    }

    [Fact]
    public void Cancel_Twice_ReturnsCancelled()
    {
        var e = new EventBuilder().Published();
        e.Cancel("中止", [], [], Now);
        Assert.Equal("event.cancelled", e.Cancel("中止", [], [], Now).Error!.Code);
    }

    [Fact]
    public void Cancel_WhenStarted_ReturnsStarted()
        => Assert.Equal("event.started", new EventBuilder().Published().Cancel("中止", [], [], Start).Error!.Code);

    [Fact]
    public void StatusAt_AfterTheEnd_ReadsCompleted()
    {
        var e = new EventBuilder().Published();
        Assert.Equal(EventStatus.Published, e.StatusAt(End.AddTicks(-1)));
        Assert.Equal(EventStatus.Completed, e.StatusAt(End));
    }

    [Fact]
    public void Update_PublishedInPersonWithoutVenue_ReturnsVenueRequired()
    {
        var builder = new EventBuilder().InPerson();
        var e = builder.Published();
        var result = e.Update(builder.BuildDetails() with { Venue = null }, Now.AddHours(1));
        Assert.Equal("event.venue_required", result.Error?.Code);
        Assert.Equal("梅田こころのクリニック 会議室", e.VenueName);
    }
}

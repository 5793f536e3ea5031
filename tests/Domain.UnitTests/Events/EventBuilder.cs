using Assemble.Domain.Events;
using Assemble.Domain.Members;

namespace Assemble.Domain.UnitTests.Events;

/// <summary>
/// Makes valid events through <see cref="Event.Create"/>, <see cref="Event.DefineTicketType"/> and
/// <see cref="Event.Publish"/>: unless told otherwise, a free online study session for 30, two weeks after <see cref="Now"/>.
/// </summary>
public sealed class EventBuilder
{
    public static readonly DateTimeOffset Now = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset Start = Now.AddDays(14);
    public static readonly DateTimeOffset End = Start.AddHours(2);
    public const string JoinUrl = "https://meet.example.jp/assemble";
    public static readonly Venue DefaultVenue = new("梅田こころのクリニック 会議室", "大阪市北区梅田1-1-1", Prefecture.Osaka);

    private sealed record TicketSpec(string Name, int PriceYen, int? MemberPriceYen, int? Quota, DateTimeOffset? SalesStartAt, DateTimeOffset? SalesEndAt, int MaxPerMember, bool MembersOnly);

    private readonly List<TicketSpec> _tickets = [];
    private readonly Dictionary<Guid, IReadOnlyList<Profession>> _verified = [];
    private EventDetails _details = Details();
    private bool _withoutTicketTypes;

    public Guid Id { get; } = Guid.NewGuid();
    public Guid OrganizerId { get; } = Guid.NewGuid();

    /// <summary>The verified professions of the panelists added with <see cref="WithPanelist"/>, as <see cref="Event.Publish"/> takes them.</summary>
    public IReadOnlyDictionary<Guid, IReadOnlyList<Profession>> VerifiedProfessions => _verified;

    /// <summary>Valid details for a free online study session (one session from <see cref="Start"/> to <see cref="End"/>).</summary>
    public static EventDetails Details() => new(
        Kind: EventKind.StudySession,
        Format: EventFormat.Online,
        Title: "事例検討会",
        Description: null,
        TimeZone: Event.DefaultTimeZone,
        Sessions: [(null, Start, End)],
        Venue: null,
        OnlineJoinUrl: JoinUrl,
        AttendeeMaterials: null,
        AttendeeNotes: null,
        Audience: Audience.AllMembers,
        AudienceProfessions: [],
        Capacity: 30,
        RequiresApproval: false,
        Speakers: [],
        Questions: [],
        CoOrganizerIds: [],
        CancellationDeadlineHours: 24,
        HoldMinutes: 30,
        OfferHours: 24);

    public EventBuilder With(Func<EventDetails, EventDetails> change)
    {
        _details = change(_details);
        return this;
    }

    public EventBuilder WithKind(EventKind kind) => With(d => d with { Kind = kind });

    public EventBuilder WithCapacity(int capacity) => With(d => d with { Capacity = capacity });

    public EventBuilder WithSessions(params (string? Title, DateTimeOffset StartsAt, DateTimeOffset EndsAt)[] sessions) => With(d => d with { Sessions = sessions });

    public EventBuilder StartingAt(DateTimeOffset startsAt) => WithSessions((null, startsAt, startsAt.AddHours(2)));

    public EventBuilder InPerson(Venue? venue = null) => With(d => d with { Format = EventFormat.InPerson, Venue = venue ?? DefaultVenue, OnlineJoinUrl = null });

    public EventBuilder RequiringApproval() => With(d => d with { RequiresApproval = true });

    public EventBuilder ForMembersOnly() => With(d => d with { MembersOnly = true });

    public EventBuilder ForAudience(Audience audience, params Profession[] professions) => With(d => d with { Audience = audience, AudienceProfessions = professions });

    public EventBuilder WithQuestions(params Question[] questions) => With(d => d with { Questions = questions });

    public EventBuilder WithTicket(
        int priceYen = 0, int? memberPriceYen = null, int? quota = null, DateTimeOffset? salesStartAt = null,
        DateTimeOffset? salesEndAt = null, int maxPerMember = 1, string name = "一般", bool membersOnly = false)
    {
        _tickets.Add(new TicketSpec(name, priceYen, memberPriceYen, quota, salesStartAt, salesEndAt, maxPerMember, membersOnly));
        return this;
    }

    public EventBuilder WithoutTicketTypes()
    {
        _withoutTicketTypes = true;
        return this;
    }

    /// <summary>Adds a speaker: a member whose verified profession (if any) <see cref="VerifiedProfessions"/> holds, or a guest without a member id.</summary>
    public EventBuilder WithPanelist(Profession? verified, SpeakerRole role = SpeakerRole.Panelist, bool guest = false)
    {
        var memberId = guest ? (Guid?)null : Guid.NewGuid();
        if (memberId is { } id && verified is { } profession) _verified[id] = [profession];
        var speaker = new Speaker(memberId, "山田 太郎", verified?.ToString(), "大阪こころの医療センター", role);
        return With(d => d with { Speakers = [.. d.Speakers, speaker] });
    }

    /// <summary>A live supervision with a complete panel (a verified psychiatrist and a verified clinical psychologist).</summary>
    public EventBuilder AsLiveSupervision()
        => WithKind(EventKind.LiveSupervision).WithPanelist(Profession.Psychiatrist).WithPanelist(Profession.ClinicalPsychologist);

    public EventDetails BuildDetails() => _details;

    public Event Draft(DateTimeOffset? now = null)
    {
        var at = now ?? Now;
        var created = Event.Create(Id, OrganizerId, _details, at);
        if (!created.IsSuccess) throw new InvalidOperationException($"Invalid test event: {created.Error!.Code}");
        var e = created.Value!;
        if (_withoutTicketTypes) return e;
        var tickets = _tickets.Count > 0 ? _tickets : [new TicketSpec("一般", 0, null, null, null, null, 1, false)];
        for (var i = 0; i < tickets.Count; i++)
        {
            var t = tickets[i];
            var defined = e.DefineTicketType(null, t.Name, t.PriceYen, t.MemberPriceYen, t.Quota, t.SalesStartAt, t.SalesEndAt, t.MaxPerMember, $"ticketTypes[{i}]", at, membersOnly: t.MembersOnly);
            if (!defined.IsSuccess) throw new InvalidOperationException($"Invalid test ticket type: {defined.Error!.Code}");
        }
        return e;
    }

    public Event Published(DateTimeOffset? now = null)
    {
        var at = now ?? Now;
        var e = Draft(at);
        var published = e.Publish(_verified, at);
        if (!published.IsSuccess) throw new InvalidOperationException($"Could not publish the test event: {published.Error!.Code}");
        return e;
    }

    /// <summary>A registration attempt that passes every rule of a plain event (first ticket type, one seat).</summary>
    public static RegistrationAttempt Attempt(
        Event e, int quantity = 1, bool emailConfirmed = true, IReadOnlyList<Profession>? verifiedProfessions = null,
        IReadOnlyList<Answer>? answers = null, bool pledgeAccepted = false, Guid? ticketTypeId = null, Guid? memberId = null, bool activeMember = false)
        => new(memberId ?? Guid.NewGuid(), emailConfirmed, verifiedProfessions ?? [], activeMember, ticketTypeId ?? e.TicketTypes[0].Id, quantity, answers ?? [], pledgeAccepted);
}

using Assemble.Domain.Common;
using Assemble.Domain.Members;
using Assemble.Domain.Receipts;

namespace Assemble.Domain.Events;

/// <summary>What an organizer writes about an event (everything but its seats and status).</summary>
public sealed record EventDetails(
    EventKind Kind,
    EventFormat Format,
    string Title,
    string? Description,
    string TimeZone,
    IReadOnlyList<(string? Title, DateTimeOffset StartsAt, DateTimeOffset EndsAt)> Sessions,
    Venue? Venue,
    string? OnlineJoinUrl,
    string? AttendeeMaterials,
    string? AttendeeNotes,
    Audience Audience,
    IReadOnlyList<Profession> AudienceProfessions,
    int Capacity,
    bool RequiresApproval,
    IReadOnlyList<Speaker> Speakers,
    IReadOnlyList<Question> Questions,
    IReadOnlyList<Guid> CoOrganizerIds,
    int CancellationDeadlineHours,
    int HoldMinutes,
    int OfferHours,
    bool MembersOnly = false);

/// <summary>What a member brings to a registration, checked against the event's rules.</summary>
public sealed record RegistrationAttempt(
    Guid MemberId,
    bool EmailConfirmed,
    IReadOnlyList<Profession> VerifiedProfessions,
    bool ActiveMember,
    Guid TicketTypeId,
    int Quantity,
    IReadOnlyList<Answer> Answers,
    bool PledgeAccepted);

/// <summary>
/// An event: a study session, a training, a live supervision, a meetup, a workshop or a coaching cohort. It owns
/// its capacity and the count of seats taken; every change of that count happens with the event's row locked.
/// </summary>
public sealed class Event : AggregateRoot
{
    public const string DefaultTimeZone = "Asia/Tokyo";
    public const int TitleMaxLength = 200;
    public const int DescriptionMaxLength = 10_000;
    public const int MaxCapacity = 100_000;

    public const string DefaultPledge =
        "私は、本ライブスーパーヴィジョンで扱われる事例について、知り得た情報を口外せず、記録・撮影・録音を行わず、" +
        "事例の当事者を特定しようとしないことを誓約します。 / I will keep everything I learn about the case confidential, " +
        "make no recording of any kind, and never try to identify the people involved.";

    private List<EventSession> _sessions = [];
    private List<TicketType> _ticketTypes = [];

    private Event() { }

    public Guid Id { get; private set; }
    public Guid OrganizerId { get; private set; }
    public List<Guid> CoOrganizerIds { get; private set; } = [];
    public EventKind Kind { get; private set; }
    public EventFormat Format { get; private set; }
    public string Title { get; private set; } = "";
    public string? Description { get; private set; }
    public string TimeZone { get; private set; } = DefaultTimeZone;
    /// <summary>UTC start of the first session.</summary>
    public DateTimeOffset StartsAt { get; private set; }
    /// <summary>UTC end of the last session.</summary>
    public DateTimeOffset EndsAt { get; private set; }
    public string? VenueName { get; private set; }
    public string? VenueAddress { get; private set; }
    public Prefecture? VenuePrefecture { get; private set; }
    /// <summary>Attendee-only.</summary>
    public string? OnlineJoinUrl { get; private set; }
    /// <summary>Attendee-only (for a live supervision: the anonymised case materials).</summary>
    public string? AttendeeMaterials { get; private set; }
    /// <summary>Attendee-only venue details (room, entrance).</summary>
    public string? AttendeeNotes { get; private set; }
    public Audience Audience { get; private set; }
    public List<Profession> AudienceProfessions { get; private set; } = [];
    public int Capacity { get; private set; }
    public int SeatsTaken { get; private set; }
    public bool RequiresApproval { get; private set; }
    /// <summary>Only members whose membership is active on the day may register (each ticket type can be members-only too).</summary>
    public bool MembersOnly { get; private set; }

    /// <summary>Whether someone may register at all: for a members-only event only a member whose membership is active.</summary>
    public bool OpenTo(bool activeMember) => activeMember || !MembersOnly;
    public List<Speaker> Speakers { get; private set; } = [];
    public List<Question> Questions { get; private set; } = [];
    /// <summary>When attendees are reminded; moving the event moves the reminders, cancelling it stops them.</summary>
    public List<ReminderRule> ReminderRules { get; private set; } = [.. ReminderRule.Defaults];
    public string? PledgeText { get; private set; }
    public int PledgeVersion { get; private set; }
    public int CancellationDeadlineHours { get; private set; }
    public int HoldMinutes { get; private set; }
    public int OfferHours { get; private set; }
    public EventStatus Status { get; private set; }
    public string? CancellationReason { get; private set; }
    /// <summary>Bumped on every change people have been told about (iCalendar SEQUENCE).</summary>
    public int Sequence { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }
    public DateTimeOffset? PublishedAt { get; private set; }
    public DateTimeOffset? CancelledAt { get; private set; }

    public IReadOnlyList<EventSession> Sessions => _sessions;
    public IReadOnlyList<TicketType> TicketTypes => _ticketTypes;
    public string? VenueDisplay => VenueName;

    public static Result<Event> Create(Guid id, Guid organizerId, EventDetails details, DateTimeOffset now)
    {
        var e = new Event { Id = id, OrganizerId = organizerId, Status = EventStatus.Draft, CreatedAt = now };
        var applied = e.Update(details, now);
        return applied.IsSuccess ? e : applied.Error!;
    }

    /// <summary>The status as of <paramref name="now"/>: a published event whose end has passed reads as completed.</summary>
    public EventStatus StatusAt(DateTimeOffset now) => Status == EventStatus.Published && now >= EndsAt ? EventStatus.Completed : Status;

    public bool IsOrganizer(Guid memberId) => memberId == OrganizerId || CoOrganizerIds.Contains(memberId);

    /// <summary>Whether the member speaks at the event (a speaker or a panelist): they see the attendee-only materials.</summary>
    public bool IsPanelist(Guid memberId) => Speakers.Any(s => s.MemberId == memberId);

    public bool HasStarted(DateTimeOffset now) => now >= StartsAt;

    public int SeatsLeft => SeatRoom.Left(Capacity, SeatsTaken);

    public Result Update(EventDetails d, DateTimeOffset now)
    {
        if (Status == EventStatus.Cancelled) return EventErrors.AlreadyCancelled;
        if (Status == EventStatus.Published && HasStarted(now)) return EventErrors.AlreadyStarted;
        var errors = Validate(d);
        if (errors.Count > 0) return Error.Validation("event.invalid", errors);
        if (d.Capacity < SeatsTaken) return EventErrors.CapacityBelowTaken(SeatsTaken);

        var ordered = d.Sessions.OrderBy(s => s.StartsAt).ToList();
        if (Status == EventStatus.Published)
        {
            // A published event keeps what publishing required.
            if (ordered[0].StartsAt <= now) return EventErrors.StartsInPast;
            if (d.Format is EventFormat.InPerson or EventFormat.Hybrid && string.IsNullOrWhiteSpace(d.Venue?.Name)) return EventErrors.VenueRequired;
            if (d.Format is EventFormat.Online or EventFormat.Hybrid && string.IsNullOrWhiteSpace(d.OnlineJoinUrl)) return EventErrors.JoinUrlRequired;
        }

        Kind = d.Kind;
        Format = d.Format;
        Title = d.Title.Trim();
        Description = Blank(d.Description);
        TimeZone = d.TimeZone;
        VenueName = Blank(d.Venue?.Name);
        VenueAddress = Blank(d.Venue?.Address);
        VenuePrefecture = d.Venue?.Prefecture;
        OnlineJoinUrl = Blank(d.OnlineJoinUrl);
        AttendeeMaterials = Blank(d.AttendeeMaterials);
        AttendeeNotes = Blank(d.AttendeeNotes);
        Audience = d.Audience;
        AudienceProfessions = d.Audience == Audience.Professions ? d.AudienceProfessions.Distinct().ToList() : [];
        Capacity = d.Capacity;
        RequiresApproval = d.RequiresApproval;
        MembersOnly = d.MembersOnly;
        Speakers = [.. d.Speakers];
        Questions = [.. d.Questions];
        CoOrganizerIds = d.CoOrganizerIds.Where(c => c != OrganizerId).Distinct().ToList();
        CancellationDeadlineHours = d.CancellationDeadlineHours;
        HoldMinutes = d.HoldMinutes;
        OfferHours = d.OfferHours;
        if (Kind == EventKind.LiveSupervision && PledgeText is null)
        {
            PledgeText = DefaultPledge;
            PledgeVersion = 1;
        }

        // Sessions keep their ids where they line up, so check-ins stay attached to them.
        for (var i = 0; i < ordered.Count; i++)
        {
            if (i < _sessions.Count) _sessions[i].Reschedule(ordered[i].Title, ordered[i].StartsAt, ordered[i].EndsAt);
            else _sessions.Add(new EventSession(Guid.CreateVersion7(now), Id, ordered[i].Title, ordered[i].StartsAt, ordered[i].EndsAt));
        }
        if (_sessions.Count > ordered.Count) _sessions.RemoveRange(ordered.Count, _sessions.Count - ordered.Count);
        StartsAt = ordered[0].StartsAt;
        EndsAt = ordered.Max(s => s.EndsAt);
        Touch(now);
        // Attendees hear of every change to a published event (a draft has nobody to tell).
        if (Status == EventStatus.Published) Raise(new EventChanged(Id, now, Sequence));
        return Result.Success();
    }

    public Result SetReminderRules(IReadOnlyList<ReminderRule> rules, DateTimeOffset now)
    {
        var valid = ReminderRule.Validate(rules);
        if (!valid.IsSuccess) return valid;
        ReminderRules = [.. rules];
        UpdatedAt = now;
        return Result.Success();
    }

    /// <summary>Adds a ticket type, or changes one; its quota never drops below the seats it has sold.</summary>
    public Result DefineTicketType(Guid? id, string name, int priceYen, int? memberPriceYen, int? quota, DateTimeOffset? salesStartAt, DateTimeOffset? salesEndAt, int maxPerMember, string field, DateTimeOffset now, MatchmakingSide? side = null,
        TaxCategory tax = TaxCategory.Standard, bool membersOnly = false)
    {
        var ticketType = id is { } existing ? _ticketTypes.FirstOrDefault(t => t.Id == existing) : null;
        if (id is not null && ticketType is null)
            return Error.Validation("event.invalid", new Dictionary<string, string[]> { [$"{field}.id"] = ["No such ticket type for this event."] });
        var isNew = ticketType is null;
        ticketType ??= TicketType.Create(Guid.CreateVersion7(now), Id);
        if (side is not null && Kind != EventKind.Matchmaking)
            return Error.Validation("event.invalid", new Dictionary<string, string[]> { [$"{field}.side"] = ["Only matchmaking events have sides."] });
        var defined = ticketType.Define(name, priceYen, memberPriceYen, quota, salesStartAt, salesEndAt, maxPerMember, field, side, tax, membersOnly);
        if (!defined.IsSuccess) return defined;
        if (isNew) _ticketTypes.Add(ticketType);
        return Result.Success();
    }

    public Result RemoveTicketType(Guid id)
    {
        var ticketType = _ticketTypes.FirstOrDefault(t => t.Id == id);
        if (ticketType is null) return Result.Success();
        if (ticketType.SeatsTaken > 0) return EventErrors.TicketTypeInUse;
        _ticketTypes.Remove(ticketType);
        return Result.Success();
    }

    /// <summary>
    /// Publishes a draft. A live supervision needs a verified psychiatrist and a verified clinical or certified
    /// public psychologist among its panelists; <paramref name="verifiedProfessions"/> gives each panelist's.
    /// </summary>
    public Result Publish(IReadOnlyDictionary<Guid, IReadOnlyList<Profession>> verifiedProfessions, DateTimeOffset now)
    {
        if (Status != EventStatus.Draft) return EventErrors.NotDraft;
        if (StartsAt <= now) return EventErrors.StartsInPast;
        if (_ticketTypes.Count == 0) return EventErrors.NoTicketTypes;
        if (Format is EventFormat.InPerson or EventFormat.Hybrid && VenueName is null) return EventErrors.VenueRequired;
        if (Format is EventFormat.Online or EventFormat.Hybrid && OnlineJoinUrl is null) return EventErrors.JoinUrlRequired;
        if (Kind == EventKind.LiveSupervision && !HasCompletePanel(verifiedProfessions)) return EventErrors.PanelIncomplete;
        if (Kind == EventKind.Matchmaking && (_ticketTypes.Any(t => t.Side is null) || _ticketTypes.Select(t => t.Side).Distinct().Count() < 2))
            return EventErrors.MatchmakingSidesRequired;
        Status = EventStatus.Published;
        PublishedAt = now;
        Touch(now);
        return Result.Success();
    }

    public bool HasCompletePanel(IReadOnlyDictionary<Guid, IReadOnlyList<Profession>> verifiedProfessions)
    {
        var panel = Speakers.Where(s => s.Role == SpeakerRole.Panelist && s.MemberId is not null)
            .Select(s => verifiedProfessions.GetValueOrDefault(s.MemberId!.Value) ?? [])
            .ToList();
        return panel.Any(p => p.Contains(Profession.Psychiatrist))
            && panel.Any(p => p.Contains(Profession.ClinicalPsychologist) || p.Contains(Profession.CertifiedPublicPsychologist));
    }

    /// <summary>
    /// Cancels the event with everything that hangs on its seats: every active registration ends and every open
    /// waitlist entry closes (each telling its member). Returns the registrations that were paid, to be refunded.
    /// </summary>
    public Result<IReadOnlyList<Registration>> Cancel(string reason, IReadOnlyList<Registration> registrations, IReadOnlyList<WaitlistEntry> waitlist, DateTimeOffset now)
    {
        var cancelled = Cancel(reason, now);
        if (!cancelled.IsSuccess) return cancelled.Error!;
        var paid = registrations.Where(r => r.EventId == Id && r.Status == RegistrationStatus.Confirmed && r.AmountYen > 0).ToList();
        foreach (var r in registrations.Where(r => r.EventId == Id)) r.EventCancelled(now);
        foreach (var w in waitlist.Where(w => w.EventId == Id)) w.Close(now);
        return paid;
    }

    private Result Cancel(string reason, DateTimeOffset now)
    {
        var trimmed = reason.Trim();
        if (trimmed.Length is 0 or > 1000)
            return Error.Validation("event.invalid", new Dictionary<string, string[]> { ["reason"] = ["Say why the event is cancelled (at most 1000 characters)."] });
        if (Status == EventStatus.Cancelled) return EventErrors.AlreadyCancelled;
        if (HasStarted(now) && Status == EventStatus.Published) return EventErrors.AlreadyStarted;
        Status = EventStatus.Cancelled;
        CancellationReason = trimmed;
        CancelledAt = now;
        SeatsTaken = 0;
        foreach (var t in _ticketTypes) t.ReleaseAll();
        Touch(now);
        Raise(new EventCancelled(Id, now));
        return Result.Success();
    }

    /// <summary>Every rule a registration must pass before a seat is looked for.</summary>
    public Result CheckRegistration(RegistrationAttempt attempt, DateTimeOffset now)
    {
        if (Status == EventStatus.Cancelled) return RegistrationErrors.EventCancelled;
        if (Status != EventStatus.Published) return RegistrationErrors.NotPublished;
        if (HasStarted(now)) return RegistrationErrors.EventStarted;
        if (!attempt.EmailConfirmed) return RegistrationErrors.EmailUnconfirmed;
        var ticketType = _ticketTypes.FirstOrDefault(t => t.Id == attempt.TicketTypeId);
        if (ticketType is null) return RegistrationErrors.UnknownTicketType;
        if (!ticketType.IsOnSale(now)) return RegistrationErrors.SalesClosed;
        if (attempt.Quantity < 1 || attempt.Quantity > ticketType.MaxPerMember) return RegistrationErrors.TooMany;
        if (!IsEligible(attempt.VerifiedProfessions)) return RegistrationErrors.NotEligible;
        if (!OpenTo(attempt.ActiveMember) || !ticketType.OpenTo(attempt.ActiveMember)) return RegistrationErrors.MembersOnly;
        if (Kind == EventKind.LiveSupervision && !attempt.PledgeAccepted) return RegistrationErrors.PledgeRequired;
        if (Kind == EventKind.Matchmaking && (ticketType.Side is not { } side || !MatchmakingSides.Allows(side, attempt.VerifiedProfessions)))
            return RegistrationErrors.WrongSide;
        return CheckAnswers(attempt.Answers);
    }

    /// <summary>Who may attend: everyone, verified professionals, or verified professionals of chosen professions. A live supervision is for verified professionals at least.</summary>
    public bool IsEligible(IReadOnlyList<Profession> verifiedProfessions) => Audience switch
    {
        _ when Kind == EventKind.LiveSupervision && verifiedProfessions.Count == 0 => false,
        Audience.AllMembers => true,
        Audience.VerifiedProfessionals => verifiedProfessions.Count > 0,
        Audience.Professions => verifiedProfessions.Any(AudienceProfessions.Contains),
        _ => false,
    };

    public Result CheckAnswers(IReadOnlyList<Answer> answers)
    {
        var errors = new Dictionary<string, string[]>();
        foreach (var unknown in answers.Where(a => Questions.All(q => q.Id != a.QuestionId)))
            errors[$"answers.{unknown.QuestionId}"] = ["No such question."];
        // One answer per question: a second one would be stored without being checked.
        foreach (var repeated in answers.GroupBy(a => a.QuestionId).Where(g => g.Count() > 1))
            errors[$"answers.{repeated.Key}"] = ["Answer each question once."];
        foreach (var q in Questions)
        {
            var key = $"answers.{q.Id}";
            var answer = answers.FirstOrDefault(a => a.QuestionId == q.Id);
            var text = answer?.Text?.Trim();
            var choices = answer?.Choices ?? [];
            var answered = q.Kind == QuestionKind.Text ? !string.IsNullOrEmpty(text) : choices.Count > 0;
            if (!answered)
            {
                if (q.Required) errors[key] = ["This question needs an answer."];
                continue;
            }
            if (q.Kind == QuestionKind.Text && text!.Length > 2000) errors[key] = ["Use at most 2000 characters."];
            if (q.Kind != QuestionKind.Text && choices.Any(c => !q.Options.Contains(c))) errors[key] = ["Choose from the given options."];
            if (q.Kind != QuestionKind.Text && (choices.Count > q.Options.Count || choices.Distinct().Count() != choices.Count)) errors[key] = ["Choose each option at most once."];
            if (q.Kind != QuestionKind.Text && !string.IsNullOrEmpty(text)) errors[key] = ["A choice question takes choices, not text."];
            if (q.Kind == QuestionKind.SingleChoice && choices.Count > 1) errors[key] = ["Choose one option."];
        }
        return errors.Count == 0 ? Result.Success() : RegistrationErrors.InvalidAnswers(errors);
    }

    /// <summary>
    /// Takes the counts read under the event's row lock as the truth (the registration hot path reads them with
    /// <c>SELECT … FOR UPDATE</c> rather than loading the whole aggregate again).
    /// </summary>
    public void UseLockedCounts(EventStatus status, int capacity, int seatsTaken, Guid ticketTypeId, int ticketTypeSeatsTaken)
    {
        Status = status;
        Capacity = capacity;
        SeatsTaken = seatsTaken;
        _ticketTypes.First(t => t.Id == ticketTypeId).SetTaken(ticketTypeSeatsTaken);
    }

    /// <summary>Whether the event and the ticket type both have room for <paramref name="quantity"/> more seats.</summary>
    public bool CanTakeSeats(Guid ticketTypeId, int quantity)
    {
        var ticketType = _ticketTypes.First(t => t.Id == ticketTypeId);
        return SeatRoom.Fits(Capacity, SeatsTaken, ticketType.Quota, ticketType.SeatsTaken, quantity);
    }

    /// <summary>Takes seats from the event and the ticket type when both have room.</summary>
    public bool TryTakeSeats(Guid ticketTypeId, int quantity)
    {
        var ticketType = _ticketTypes.First(t => t.Id == ticketTypeId);
        if (!CanTakeSeats(ticketTypeId, quantity)) return false;
        SeatsTaken += quantity;
        ticketType.Take(quantity);
        return true;
    }

    public void ReleaseSeats(Guid ticketTypeId, int quantity)
    {
        SeatsTaken = Math.Max(0, SeatsTaken - quantity);
        _ticketTypes.First(t => t.Id == ticketTypeId).Release(quantity);
    }

    /// <summary>
    /// Seats come back (a registration ended, an offer lapsed or was turned down) and go at once to the waitlist:
    /// <paramref name="waiting"/> is the event's waiting list in order of joining (<see cref="OfferFreeSeats"/>).
    /// </summary>
    public void ReturnSeats(Guid ticketTypeId, int quantity, IEnumerable<WaitlistEntry> waiting, DateTimeOffset now)
    {
        ReleaseSeats(ticketTypeId, quantity);
        OfferFreeSeats(waiting, now);
    }

    /// <summary>
    /// Offers free seats to the waitlist in order of joining, each exactly once: the seat is counted as taken while the
    /// offer is open, so the public still sees the event as sold out. No offers after sales close or the start.
    /// </summary>
    public void OfferFreeSeats(IEnumerable<WaitlistEntry> waiting, DateTimeOffset now)
    {
        foreach (var entry in waiting)
        {
            if (SeatsLeft == 0) return;
            if (entry.EventId != Id || entry.Status != WaitlistStatus.Waiting) continue;
            var ticketType = _ticketTypes.First(t => t.Id == entry.TicketTypeId);
            if (!AcceptsOffers(ticketType, now) || !TryTakeSeats(ticketType.Id, 1)) continue;
            entry.Offer(OfferDeadline(ticketType, now), now);
        }
    }

    /// <summary>Whether a freed seat may be offered to the waitlist now: not after sales close or once the event has started.</summary>
    public bool AcceptsOffers(TicketType ticketType, DateTimeOffset now)
        => Status == EventStatus.Published && !HasStarted(now) && ticketType.IsOnSale(now);

    /// <summary>An offer lasts <see cref="OfferHours"/>, cut short so it never passes the close of sales or the start.</summary>
    public DateTimeOffset OfferDeadline(TicketType ticketType, DateTimeOffset now)
    {
        var deadline = now.AddHours(OfferHours);
        if (ticketType.SalesEndAt is { } close && close < deadline) deadline = close;
        return deadline < StartsAt ? deadline : StartsAt;
    }

    /// <summary>A hold for payment expires after <see cref="HoldMinutes"/>, and never after the start.</summary>
    public DateTimeOffset HoldDeadline(DateTimeOffset now)
    {
        var deadline = now.AddMinutes(HoldMinutes);
        return deadline < StartsAt ? deadline : StartsAt;
    }

    public bool CanMemberCancel(DateTimeOffset now) => now < StartsAt.AddHours(-CancellationDeadlineHours);

    /// <summary>
    /// What a member's own cancellation gives back of <paramref name="paidYen"/>: all but the cancellation fee before
    /// the deadline, nothing after it (only deleting the account cancels that late).
    /// </summary>
    public int RefundOnMemberCancellation(int paidYen, int feeYen, DateTimeOffset now)
        => CanMemberCancel(now) ? paidYen - Math.Clamp(feeYen, 0, paidYen) : 0;

    private void Touch(DateTimeOffset now)
    {
        UpdatedAt = now;
        Sequence++;
    }

    private static Dictionary<string, string[]> Validate(EventDetails d)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(d.Title) || d.Title.Trim().Length > TitleMaxLength) errors["title"] = [$"Give a title of 1 to {TitleMaxLength} characters."];
        else if (!SingleLineText.IsSingleLine(d.Title)) errors["title"] = [SingleLineText.Problem];
        for (var i = 0; i < d.Sessions.Count; i++)
            if (d.Sessions[i].Title is { } sessionTitle && !SingleLineText.IsSingleLine(sessionTitle)) errors[$"sessions[{i}].title"] = [SingleLineText.Problem];
        if (d.Description?.Length > DescriptionMaxLength) errors["description"] = [$"Use at most {DescriptionMaxLength} characters."];
        if (!Enum.IsDefined(d.Kind)) errors["kind"] = ["Unknown kind."];
        if (!Enum.IsDefined(d.Format)) errors["format"] = ["Unknown format."];
        if (!IsKnownTimeZone(d.TimeZone)) errors["timeZone"] = ["Use an IANA time zone such as Asia/Tokyo."];
        if (d.Sessions.Count == 0) errors["sessions"] = ["Give the start and end."];
        else if (d.Sessions.Any(s => s.EndsAt <= s.StartsAt)) errors["sessions"] = ["Each session ends after it starts."];
        else if (d.Kind != EventKind.CoachingCohort && d.Sessions.Count > 1) errors["sessions"] = ["Only a coaching cohort has several sessions."];
        else if (d.Sessions.Count > 52) errors["sessions"] = ["At most 52 sessions."];
        if (d.Capacity is < 1 or > MaxCapacity) errors["capacity"] = [$"From 1 to {MaxCapacity}."];
        if (d.Venue is { } v && (string.IsNullOrWhiteSpace(v.Name) || v.Name.Length > 200 || v.Address?.Length > 300)) errors["venue"] = ["A venue has a name (at most 200 characters) and an address of at most 300."];
        if (d.OnlineJoinUrl is { Length: > 0 } url && !JoinUrl.IsValid(url.Trim())) errors["onlineJoinUrl"] = [JoinUrl.Problem];
        if (d.AttendeeMaterials?.Length > 20_000) errors["attendeeMaterials"] = ["Use at most 20,000 characters."];
        if (d.AttendeeNotes?.Length > 2000) errors["attendeeNotes"] = ["Use at most 2,000 characters."];
        if (d.Audience == Audience.Professions && d.AudienceProfessions.Count == 0) errors["audienceProfessions"] = ["Choose at least one profession."];
        if (d.Speakers.Count > 30 || d.Speakers.Any(s => string.IsNullOrWhiteSpace(s.Name) || s.Name.Length > 100 || s.Profession?.Length > 100 || s.Affiliation?.Length > 200))
            errors["speakers"] = ["At most 30 speakers, each with a name (at most 100 characters)."];
        if (d.Questions.Count > 20 || d.Questions.Any(q => string.IsNullOrWhiteSpace(q.Text) || q.Text.Length > 500
                || (q.Kind != QuestionKind.Text && (q.Options.Count is < 2 or > 20 || q.Options.Any(o => string.IsNullOrWhiteSpace(o) || o.Length > 200) || q.Options.Distinct().Count() != q.Options.Count))))
            errors["questions"] = ["At most 20 questions; each has text, and a choice question 2 to 20 distinct options."];
        if (d.CoOrganizerIds.Count > 10) errors["coOrganizerIds"] = ["At most 10 co-organizers."];
        if (d.CancellationDeadlineHours is < 0 or > 24 * 60) errors["cancellationDeadlineHours"] = ["From 0 to 1440 hours."];
        if (d.HoldMinutes is < 30 or > 24 * 60) errors["holdMinutes"] = ["From 30 to 1440 minutes (Stripe Checkout sessions last at least 30 minutes)."];
        if (d.OfferHours is < 1 or > 24 * 7) errors["offerHours"] = ["From 1 to 168 hours."];
        return errors;
    }

    public static bool IsKnownTimeZone(string? id)
    {
        if (string.IsNullOrWhiteSpace(id) || !id.Contains('/')) return id == "UTC";
        try
        {
            TimeZoneInfo.FindSystemTimeZoneById(id);
            return true;
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            return false;
        }
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}

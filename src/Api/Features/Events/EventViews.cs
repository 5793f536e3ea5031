using Assemble.Domain.Receipts;
using Assemble.Domain.Events;
using Assemble.Domain.Members;

namespace Assemble.Api.Features.Events;

/// <summary>An instant in UTC and the same instant in the event's zone, with its offset.</summary>
public sealed record EventTime(DateTimeOffset Utc, string Local)
{
    public static EventTime Of(DateTimeOffset instant, string timeZone)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(timeZone);
        var local = TimeZoneInfo.ConvertTime(instant, zone);
        return new EventTime(instant.ToUniversalTime(), local.ToString("yyyy-MM-dd'T'HH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture));
    }
}

public sealed record SessionView(Guid Id, string? Title, EventTime StartsAt, EventTime EndsAt);

public sealed record TicketTypeView(
    Guid Id, string Name, int PriceYen, int? MemberPriceYen, DateTimeOffset? SalesStartAt, DateTimeOffset? SalesEndAt,
    int MaxPerMember, int? SeatsLeft, bool OnSale, MatchmakingSide? Side, TaxCategory Tax, bool MembersOnly);

public sealed record VenueView(string Name, string? Address, Prefecture? Prefecture);

/// <summary>
/// An event as anyone allowed to see it sees it. Attendee-only information (join URL, materials, room notes) is
/// never part of this view; it has its own endpoint.
/// </summary>
public sealed record EventView(
    Guid Id,
    EventKind Kind,
    EventFormat Format,
    EventStatus Status,
    string Title,
    string? Description,
    string TimeZone,
    EventTime StartsAt,
    EventTime EndsAt,
    IReadOnlyList<SessionView> Sessions,
    VenueView? Venue,
    Audience Audience,
    IReadOnlyList<Profession> AudienceProfessions,
    int Capacity,
    int SeatsLeft,
    bool SoldOut,
    bool Free,
    bool RequiresApproval,
    bool MembersOnly,
    IReadOnlyList<Speaker> Speakers,
    IReadOnlyList<Question> Questions,
    IReadOnlyList<TicketTypeView> TicketTypes,
    Guid OrganizerId,
    IReadOnlyList<Guid> CoOrganizerIds,
    string? PledgeText,
    int? PledgeVersion,
    EventTime? CancellationDeadline,
    string? CancellationReason,
    int Sequence)
{
    public static EventView Of(Event e, DateTimeOffset now) => new(
        e.Id, e.Kind, e.Format, e.StatusAt(now), e.Title, e.Description, e.TimeZone,
        EventTime.Of(e.StartsAt, e.TimeZone), EventTime.Of(e.EndsAt, e.TimeZone),
        e.Sessions.OrderBy(s => s.StartsAt).Select(s => new SessionView(s.Id, s.Title, EventTime.Of(s.StartsAt, e.TimeZone), EventTime.Of(s.EndsAt, e.TimeZone))).ToList(),
        e.VenueName is null ? null : new VenueView(e.VenueName, e.VenueAddress, e.VenuePrefecture),
        e.Audience, e.AudienceProfessions, e.Capacity, e.SeatsLeft, e.SeatsLeft == 0,
        e.OpenTo(activeMember: false) && e.TicketTypes.Any(t => t.PriceYen == 0 && t.OpenTo(activeMember: false)), e.RequiresApproval, e.MembersOnly,
        e.Speakers, e.Questions,
        e.TicketTypes.OrderBy(t => t.PriceYen).ThenBy(t => t.Name).Select(t => new TicketTypeView(
            t.Id, t.Name, t.PriceYen, t.MemberPriceYen, t.SalesStartAt, t.SalesEndAt, t.MaxPerMember,
            t.Quota is { } q ? Math.Min(SeatRoom.Left(q, t.SeatsTaken), e.SeatsLeft) : e.SeatsLeft, t.IsOnSale(now), t.Side, t.Tax, t.MembersOnly)).ToList(),
        e.OrganizerId, e.CoOrganizerIds,
        e.Kind == EventKind.LiveSupervision ? e.PledgeText : null,
        e.Kind == EventKind.LiveSupervision ? e.PledgeVersion : null,
        EventTime.Of(e.StartsAt.AddHours(-e.CancellationDeadlineHours), e.TimeZone),
        e.CancellationReason, e.Sequence);
}

/// <summary>
/// One line of the event list. <see cref="LowestPriceYen"/> is the least a non-member pays (of the tickets open to
/// everyone; of all of them when every ticket is members-only), <see cref="LowestMemberPriceYen"/> the least a member
/// whose membership is active pays; <see cref="Free"/> means free for everyone, <see cref="MembersOnly"/> that only
/// such members may register.
/// </summary>
public sealed record EventSummary(
    Guid Id, EventKind Kind, EventFormat Format, EventStatus Status, string Title, string TimeZone,
    EventTime StartsAt, EventTime EndsAt, string? VenueName, Prefecture? Prefecture, Audience Audience,
    int Capacity, int SeatsLeft, bool SoldOut, int LowestPriceYen, int LowestMemberPriceYen, bool Free, bool MembersOnly);

/// <summary>What only confirmed attendees, panelists and organizers see.</summary>
public sealed record AttendeeInfoView(Guid EventId, string? OnlineJoinUrl, string? Materials, string? VenueNotes, VenueView? Venue);

namespace Assemble.Api.Common.Calendar;

/// <summary>One VEVENT of an .ics file. Instants are absolute; they are written in the entry's own time zone.</summary>
public sealed record CalendarEntry(
    string Uid,
    int Sequence,
    DateTimeOffset StartsAt,
    DateTimeOffset EndsAt,
    string TimeZoneId,
    string Summary,
    string? Description,
    string? Location,
    string? Url,
    bool Cancelled,
    DateTimeOffset LastModified);

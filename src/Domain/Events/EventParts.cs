using Assemble.Domain.Members;

namespace Assemble.Domain.Events;

/// <summary>Where an in-person event happens. Room details for attendees go in the attendee-only notes.</summary>
public sealed record Venue(string Name, string? Address, Prefecture? Prefecture);

/// <summary>A speaker: a member (by id) or a guest described by name.</summary>
public sealed record Speaker(Guid? MemberId, string Name, string? Profession, string? Affiliation, SpeakerRole Role);

/// <summary>A question asked at registration.</summary>
public sealed record Question(Guid Id, string Text, QuestionKind Kind, IReadOnlyList<string> Options, bool Required);

/// <summary>An answer to a question: free text, or the chosen option(s).</summary>
public sealed record Answer(Guid QuestionId, string? Text, IReadOnlyList<string>? Choices);

/// <summary>One dated session; a single event has one, a coaching cohort several.</summary>
public sealed class EventSession
{
    private EventSession() { }

    public EventSession(Guid id, Guid eventId, string? title, DateTimeOffset startsAt, DateTimeOffset endsAt)
    {
        if (endsAt <= startsAt) throw new ArgumentException("A session ends after it starts.");
        Id = id;
        EventId = eventId;
        Title = title;
        StartsAt = startsAt;
        EndsAt = endsAt;
    }

    public Guid Id { get; private set; }
    public Guid EventId { get; private set; }
    public string? Title { get; private set; }
    public DateTimeOffset StartsAt { get; private set; }
    public DateTimeOffset EndsAt { get; private set; }

    public void Reschedule(string? title, DateTimeOffset startsAt, DateTimeOffset endsAt)
    {
        if (endsAt <= startsAt) throw new ArgumentException("A session ends after it starts.");
        Title = title;
        StartsAt = startsAt;
        EndsAt = endsAt;
    }
}

namespace Assemble.Domain.Events;

public enum EventKind
{
    StudySession,
    Training,
    LiveSupervision,
    Meetup,
    Workshop,
    CoachingCohort,
    /// <summary>お見合い: doctors meet psychologists and social workers in rounds (ticket types are the two sides).</summary>
    Matchmaking,
}

public enum EventFormat
{
    InPerson,
    Online,
    Hybrid,
}

/// <summary>Draft → Published → (Cancelled | Completed). Completed is read from the clock: a published event whose end has passed.</summary>
public enum EventStatus
{
    Draft,
    Published,
    Cancelled,
    Completed,
}

public enum Audience
{
    AllMembers,
    VerifiedProfessionals,
    /// <summary>Verified professionals of the chosen professions.</summary>
    Professions,
}

public enum SpeakerRole
{
    Speaker,
    /// <summary>On a live supervision panel: sees the case materials.</summary>
    Panelist,
}

public enum QuestionKind
{
    Text,
    SingleChoice,
    MultipleChoice,
}

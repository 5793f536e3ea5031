using Assemble.Domain.Common;

namespace Assemble.Domain.Events;

/// <summary>
/// When to remind attendees (pretix-style): "N days before the start, at HH:MM in the event's zone", or
/// "N hours before the start".
/// </summary>
public sealed record ReminderRule(int? DaysBefore, TimeOnly? At, int? HoursBefore, IReadOnlyList<RegistrationStatus>? Statuses = null)
{
    /// <summary>Who is reminded: confirmed attendees unless the rule names other statuses (e.g. holders yet to pay).</summary>
    public IReadOnlyList<RegistrationStatus> Recipients => Statuses is { Count: > 0 } s ? s : [RegistrationStatus.Confirmed];

    /// <summary>A new event reminds the day before at 18:00 and an hour before.</summary>
    public static readonly IReadOnlyList<ReminderRule> Defaults = [new(1, new TimeOnly(18, 0), null), new(null, null, 1)];

    /// <summary>The UTC instant this rule fires for an event starting at <paramref name="startsAt"/> in <paramref name="timeZone"/>.</summary>
    public DateTimeOffset DueAt(DateTimeOffset startsAt, string timeZone)
    {
        if (HoursBefore is { } hours) return startsAt.AddHours(-hours);
        var zone = TimeZoneInfo.FindSystemTimeZoneById(timeZone);
        var localStart = TimeZoneInfo.ConvertTime(startsAt, zone);
        var day = DateOnly.FromDateTime(localStart.DateTime).AddDays(-DaysBefore!.Value);
        var local = day.ToDateTime(At!.Value);
        return new DateTimeOffset(local, zone.GetUtcOffset(local)).ToUniversalTime();
    }

    public static Result Validate(IReadOnlyList<ReminderRule> rules)
    {
        var errors = new Dictionary<string, string[]>();
        if (rules.Count > 5) errors["rules"] = ["At most 5 reminders."];
        for (var i = 0; i < rules.Count; i++)
        {
            var r = rules[i];
            var byDays = r.DaysBefore is not null && r.At is not null && r.HoursBefore is null;
            var byHours = r.HoursBefore is not null && r.DaysBefore is null && r.At is null;
            if (!byDays && !byHours) errors[$"rules[{i}]"] = ["Give daysBefore with at (HH:mm), or hoursBefore."];
            else if (r.DaysBefore is < 0 or > 30) errors[$"rules[{i}].daysBefore"] = ["From 0 to 30."];
            else if (r.HoursBefore is < 1 or > 72) errors[$"rules[{i}].hoursBefore"] = ["From 1 to 72."];
            else if (r.Statuses?.Count > RegistrationStatuses.Active.Count || r.Statuses?.Distinct().Count() != r.Statuses?.Count)
                errors[$"rules[{i}].statuses"] = ["Name each of confirmed, pendingPayment and pendingApproval at most once."];
            else if (r.Statuses?.Any(st => !RegistrationStatuses.IsActive(st)) == true)
                errors[$"rules[{i}].statuses"] = ["Only confirmed, pendingPayment or pendingApproval registrations can be reminded."];
        }
        return errors.Count == 0 ? Result.Success() : Error.Validation("reminders.invalid", errors);
    }
}

using Assemble.Domain.Common;
using Assemble.Domain.Events;
using Assemble.Infrastructure.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Assemble.Infrastructure.Persistence.Configurations;

public sealed class EventConfiguration : IEntityTypeConfiguration<Event>
{
    public void Configure(EntityTypeBuilder<Event> builder)
    {
        builder.ToTable("Events", t =>
        {
            // The capacity guarantee lives here: no code path can take more seats than there are.
            t.HasCheckConstraint("ck_events_seats", "seats_taken >= 0 AND seats_taken <= capacity");
            t.HasCheckConstraint("ck_events_times", "ends_at > starts_at");
        });
        builder.HasKey(e => e.Id);
        builder.Property(e => e.Id).ValueGeneratedNever();
        builder.HasOne<AppUser>().WithMany().HasForeignKey(e => e.OrganizerId).OnDelete(DeleteBehavior.Restrict);
        builder.Property(e => e.Kind).HasConversion<string>().HasMaxLength(30);
        builder.Property(e => e.Format).HasConversion<string>().HasMaxLength(20);
        builder.Property(e => e.Status).HasConversion<string>().HasMaxLength(20);
        builder.Property(e => e.Audience).HasConversion<string>().HasMaxLength(30);
        builder.Property(e => e.VenuePrefecture).HasConversion<string>().HasMaxLength(20);
        builder.Property(e => e.Title).HasMaxLength(Event.TitleMaxLength).IsRequired();
        builder.Property(e => e.Description).HasMaxLength(Event.DescriptionMaxLength);
        builder.Property(e => e.TimeZone).HasMaxLength(64).IsRequired();
        builder.Property(e => e.VenueName).HasMaxLength(200);
        builder.Property(e => e.VenueAddress).HasMaxLength(300);
        builder.Property(e => e.OnlineJoinUrl).HasMaxLength(500);
        builder.Property(e => e.AttendeeMaterials).HasMaxLength(20_000);
        builder.Property(e => e.AttendeeNotes).HasMaxLength(2000);
        builder.Property(e => e.CancellationReason).HasMaxLength(1000);
        builder.PrimitiveCollection(e => e.AudienceProfessions).IsRequired().ElementType(t => t.HasConversion<string>());
        builder.PrimitiveCollection(e => e.CoOrganizerIds).IsRequired();
        builder.Property(e => e.Speakers).AsJson().IsRequired();
        builder.Property(e => e.Questions).AsJson().IsRequired();
        builder.Property(e => e.ReminderRules).AsJson().IsRequired();
        builder.Ignore(e => e.SeatsLeft);
        builder.Ignore(e => e.VenueDisplay);
        // Bumped by triggers (migration EventVersion) on every change to the event or its ticket types except the seat
        // counters; never written by EF. The seat path keeps events in memory under it (SeatMemory).
        builder.Property<long>("Version").HasDefaultValue(0L).Metadata.SetAfterSaveBehavior(Microsoft.EntityFrameworkCore.Metadata.PropertySaveBehavior.Ignore);

        builder.HasMany(e => e.Sessions).WithOne().HasForeignKey(s => s.EventId).OnDelete(DeleteBehavior.Cascade);
        builder.Navigation(e => e.Sessions).HasField("_sessions").UsePropertyAccessMode(PropertyAccessMode.Field);
        builder.HasMany(e => e.TicketTypes).WithOne().HasForeignKey(t => t.EventId).OnDelete(DeleteBehavior.Cascade);
        builder.Navigation(e => e.TicketTypes).HasField("_ticketTypes").UsePropertyAccessMode(PropertyAccessMode.Field);

        // The public listing: published events by start time.
        builder.HasIndex(e => new { e.Status, e.StartsAt, e.Id });
        builder.HasIndex(e => e.OrganizerId);
        // A rush updates one event's seat counter many times a second. Room on the page keeps each update HOT and lets
        // PostgreSQL prune the dead versions as it goes, so the foreign-key checks of the new registrations do not walk a
        // long chain of them to find the live row (docs/decisions/0005).
        builder.HasStorageParameter("fillfactor", 70);
    }
}

public sealed class EventSessionConfiguration : IEntityTypeConfiguration<EventSession>
{
    public void Configure(EntityTypeBuilder<EventSession> builder)
    {
        builder.ToTable("EventSessions", t => t.HasCheckConstraint("ck_event_sessions_times", "ends_at > starts_at"));
        builder.HasKey(s => s.Id);
        builder.Property(s => s.Id).ValueGeneratedNever();
        builder.Property(s => s.Title).HasMaxLength(200);
        builder.HasIndex(s => new { s.EventId, s.StartsAt });
    }
}

public sealed class TicketTypeConfiguration : IEntityTypeConfiguration<TicketType>
{
    public void Configure(EntityTypeBuilder<TicketType> builder)
    {
        builder.ToTable("TicketTypes", t =>
        {
            t.HasCheckConstraint("ck_ticket_types_seats", "seats_taken >= 0 AND (quota IS NULL OR seats_taken <= quota)");
            t.HasCheckConstraint("ck_ticket_types_prices", "price_yen >= 0 AND (member_price_yen IS NULL OR member_price_yen >= 0)");
        });
        builder.HasKey(t => t.Id);
        builder.Property(t => t.Id).ValueGeneratedNever();
        builder.Property(t => t.Name).HasMaxLength(TicketType.NameMaxLength).IsRequired();
        builder.Property(t => t.Side).HasConversion<string>().HasMaxLength(20);
        builder.Property(t => t.Tax).HasConversion<string>().HasMaxLength(20);
        builder.Ignore(t => t.IsFree);
        builder.HasIndex(t => t.EventId);
        // Its seat counter is updated as often as the event's (see EventConfiguration); the rows are small, so more room.
        builder.HasStorageParameter("fillfactor", 50);
    }
}

public sealed class RegistrationConfiguration : IEntityTypeConfiguration<Registration>
{
    public void Configure(EntityTypeBuilder<Registration> builder)
    {
        builder.ToTable("Registrations", t =>
        {
            t.HasCheckConstraint("ck_registrations_quantity", "quantity BETWEEN 1 AND 10");
            t.HasCheckConstraint("ck_registrations_amount", "amount_yen >= 0");
            t.HasCheckConstraint("ck_registrations_hold", "(status = 'PendingPayment') = (hold_expires_at IS NOT NULL)");
        });
        builder.HasKey(r => r.Id);
        builder.Property(r => r.Id).ValueGeneratedNever();
        builder.HasOne<Event>().WithMany().HasForeignKey(r => r.EventId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<TicketType>().WithMany().HasForeignKey(r => r.TicketTypeId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<AppUser>().WithMany().HasForeignKey(r => r.MemberId).OnDelete(DeleteBehavior.Cascade);
        builder.Property(r => r.Status).HasConversion<string>().HasMaxLength(20);
        builder.Property(r => r.Answers).AsJson().IsRequired();
        builder.Property(r => r.CheckInCode).HasMaxLength(32).IsRequired();
        builder.Property(r => r.EndReason).HasMaxLength(500);
        builder.Ignore(r => r.IsActive);
        builder.Ignore(r => r.HoldsSeats);

        // One active registration per member and event.
        builder.HasIndex(r => new { r.EventId, r.MemberId }).IsUnique().HasFilter($"status IN {RuleSql.ActiveStatuses}")
            .HasDatabaseName("ix_registrations_one_active_per_member");
        builder.HasIndex(r => r.CheckInCode).IsUnique();
        builder.HasIndex(r => new { r.MemberId, r.Id });
        // The member last: "does this member already hold a seat here?" is answered by either index (see RegistrationMemberLookup).
        builder.HasIndex(r => new { r.EventId, r.Status, r.MemberId });
        builder.HasIndex(r => r.HoldExpiresAt).HasFilter("status = 'PendingPayment'").HasDatabaseName("ix_registrations_holds_due");
    }
}

public sealed class WaitlistEntryConfiguration : IEntityTypeConfiguration<WaitlistEntry>
{
    public void Configure(EntityTypeBuilder<WaitlistEntry> builder)
    {
        builder.ToTable("WaitlistEntries", t =>
            t.HasCheckConstraint("ck_waitlist_offer", "(status = 'Offered') = (offer_expires_at IS NOT NULL AND responded_at IS NULL)"));
        builder.HasKey(w => w.Id);
        builder.Property(w => w.Id).ValueGeneratedNever();
        builder.HasOne<Event>().WithMany().HasForeignKey(w => w.EventId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<TicketType>().WithMany().HasForeignKey(w => w.TicketTypeId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<AppUser>().WithMany().HasForeignKey(w => w.MemberId).OnDelete(DeleteBehavior.Cascade);
        builder.Property(w => w.Status).HasConversion<string>().HasMaxLength(20);
        builder.Property(w => w.Answers).AsJson().IsRequired();
        builder.Ignore(w => w.IsOpen);
        builder.HasIndex(w => new { w.EventId, w.MemberId }).IsUnique().HasFilter("status IN ('Waiting', 'Offered')")
            .HasDatabaseName("ix_waitlist_one_open_per_member");
        builder.HasIndex(w => new { w.EventId, w.Status, w.JoinedAt });
        builder.HasIndex(w => w.OfferExpiresAt).HasFilter("status = 'Offered'").HasDatabaseName("ix_waitlist_offers_due");
    }
}

public sealed class CheckInConfiguration : IEntityTypeConfiguration<CheckIn>
{
    public void Configure(EntityTypeBuilder<CheckIn> builder)
    {
        builder.ToTable("CheckIns");
        builder.HasKey(c => c.Id);
        builder.Property(c => c.Id).ValueGeneratedNever();
        builder.HasOne<Registration>().WithMany().HasForeignKey(c => c.RegistrationId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<EventSession>().WithMany().HasForeignKey(c => c.SessionId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(c => new { c.RegistrationId, c.SessionId }).IsUnique();
    }
}

public sealed class NotificationRecordConfiguration : IEntityTypeConfiguration<Notifications.NotificationRecord>
{
    public void Configure(EntityTypeBuilder<Notifications.NotificationRecord> builder)
    {
        builder.ToTable("NotificationRecords");
        builder.HasKey(d => d.Id);
        builder.Property(d => d.Id).ValueGeneratedNever();
        builder.Property(d => d.Type).HasMaxLength(64).IsRequired();
        builder.Property(d => d.Payload).HasColumnType("jsonb").IsRequired();
        builder.HasIndex(d => d.Id).HasFilter("processed_at IS NULL").HasDatabaseName("ix_notification_records_unprocessed");
        builder.HasIndex(d => new { d.EventId, d.Type });
    }
}

/// <summary>A member's private calendar feed: only the token's SHA-256 is stored; revoking deletes the row.</summary>
public sealed class CalendarFeed
{
    public Guid MemberId { get; set; }
    public string TokenHash { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
}

public sealed class CalendarFeedConfiguration : IEntityTypeConfiguration<CalendarFeed>
{
    public void Configure(EntityTypeBuilder<CalendarFeed> builder)
    {
        builder.ToTable("CalendarFeeds");
        builder.HasKey(f => f.MemberId);
        builder.HasOne<AppUser>().WithOne().HasForeignKey<CalendarFeed>(f => f.MemberId).OnDelete(DeleteBehavior.Cascade);
        builder.Property(f => f.TokenHash).HasMaxLength(64).IsRequired();
        builder.HasIndex(f => f.TokenHash).IsUnique();
    }
}

/// <summary>The remembered answer to a request sent with an Idempotency-Key, per member.</summary>
public sealed class IdempotencyRecord
{
    public Guid MemberId { get; set; }
    public string Key { get; set; } = "";
    public string Fingerprint { get; set; } = "";
    public int? StatusCode { get; set; }
    public string? ContentType { get; set; }
    public string? Body { get; set; }
    public string? Location { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

public sealed class IdempotencyRecordConfiguration : IEntityTypeConfiguration<IdempotencyRecord>
{
    public void Configure(EntityTypeBuilder<IdempotencyRecord> builder)
    {
        builder.ToTable("IdempotencyRecords");
        builder.HasKey(r => new { r.MemberId, r.Key });
        builder.Property(r => r.Key).HasMaxLength(200);
        builder.Property(r => r.Fingerprint).HasMaxLength(64).IsRequired();
        builder.Property(r => r.ContentType).HasMaxLength(100);
        builder.Property(r => r.Location).HasMaxLength(300);
        builder.HasIndex(r => r.CreatedAt);
    }
}

/// <summary>A reminder sent: one row per event and due instant, so each reminder goes out once whatever runs it.</summary>
public sealed class ReminderSend
{
    public Guid EventId { get; set; }
    public DateTimeOffset DueAt { get; set; }
    public int Recipients { get; set; }
    public DateTimeOffset SentAt { get; set; }
}

public sealed class ReminderSendConfiguration : IEntityTypeConfiguration<ReminderSend>
{
    public void Configure(EntityTypeBuilder<ReminderSend> builder)
    {
        builder.ToTable("ReminderSends");
        builder.HasKey(r => new { r.EventId, r.DueAt });
        builder.HasOne<Event>().WithMany().HasForeignKey(r => r.EventId).OnDelete(DeleteBehavior.Cascade);
    }
}

/// <summary>A member's mail choices: reminders can be turned off; essential mail (payment, cancellation) cannot.</summary>
public sealed class MailPreference
{
    public Guid MemberId { get; set; }
    public bool Reminders { get; set; } = true;
}

public sealed class MailPreferenceConfiguration : IEntityTypeConfiguration<MailPreference>
{
    public void Configure(EntityTypeBuilder<MailPreference> builder)
    {
        builder.ToTable("MailPreferences");
        builder.HasKey(m => m.MemberId);
        builder.HasOne<AppUser>().WithOne().HasForeignKey<MailPreference>(m => m.MemberId).OnDelete(DeleteBehavior.Cascade);
    }
}

public sealed class MatchmakingMeetingConfiguration : IEntityTypeConfiguration<MatchmakingMeeting>
{
    public void Configure(EntityTypeBuilder<MatchmakingMeeting> builder)
    {
        builder.ToTable("MatchmakingMeetings");
        builder.HasKey(m => new { m.EventId, m.Round, m.TableNo });
        builder.HasOne<Event>().WithMany().HasForeignKey(m => m.EventId).OnDelete(DeleteBehavior.Cascade);
        // The schedule's promises, held by the database: one table per person per round, nobody meets twice.
        builder.HasIndex(m => new { m.EventId, m.Round, m.DoctorId }).IsUnique();
        builder.HasIndex(m => new { m.EventId, m.Round, m.CounsellorId }).IsUnique();
        builder.HasIndex(m => new { m.EventId, m.DoctorId, m.CounsellorId }).IsUnique();
    }
}

public sealed class MatchmakingSelectionConfiguration : IEntityTypeConfiguration<MatchmakingSelection>
{
    public void Configure(EntityTypeBuilder<MatchmakingSelection> builder)
    {
        builder.ToTable("MatchmakingSelections", t => t.HasCheckConstraint("ck_matchmaking_selections_not_self", "chooser_id <> chosen_id"));
        builder.HasKey(s => new { s.EventId, s.ChooserId, s.ChosenId });
        builder.HasOne<Event>().WithMany().HasForeignKey(s => s.EventId).OnDelete(DeleteBehavior.Cascade);
        // "Did they choose me too?"
        builder.HasIndex(s => new { s.EventId, s.ChosenId });
    }
}

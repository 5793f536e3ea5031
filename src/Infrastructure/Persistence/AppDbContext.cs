using Assemble.Domain.Auditing;
using Assemble.Domain.Common;
using Assemble.Domain.Credentials;
using Assemble.Domain.Events;
using Assemble.Domain.Payments;
using Assemble.Domain.Referrals;
using Assemble.Infrastructure.Persistence.Configurations;
using Assemble.Domain.Members;
using Assemble.Infrastructure.Identity;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace Assemble.Infrastructure.Persistence;

public sealed class AppDbContext(DbContextOptions<AppDbContext> options)
    : IdentityDbContext<AppUser, IdentityRole<Guid>, Guid>(options)
{
    public DbSet<MemberProfile> MemberProfiles => Set<MemberProfile>();
    public DbSet<Credential> Credentials => Set<Credential>();
    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();
    public DbSet<Event> Events => Set<Event>();
    public DbSet<TicketType> TicketTypes => Set<TicketType>();
    public DbSet<EventSession> EventSessions => Set<EventSession>();
    public DbSet<Registration> Registrations => Set<Registration>();
    public DbSet<WaitlistEntry> WaitlistEntries => Set<WaitlistEntry>();
    public DbSet<CheckIn> CheckIns => Set<CheckIn>();
    public DbSet<Notifications.NotificationRecord> NotificationRecords => Set<Notifications.NotificationRecord>();
    public DbSet<CalendarFeed> CalendarFeeds => Set<CalendarFeed>();
    public DbSet<IdempotencyRecord> IdempotencyRecords => Set<IdempotencyRecord>();
    public DbSet<Payment> Payments => Set<Payment>();
    public DbSet<Refund> Refunds => Set<Refund>();
    public DbSet<PaymentProblem> PaymentProblems => Set<PaymentProblem>();
    public DbSet<OutboxEmail> OutboxEmails => Set<OutboxEmail>();
    public DbSet<ReminderSend> ReminderSends => Set<ReminderSend>();
    public DbSet<MembershipReminderSend> MembershipReminderSends => Set<MembershipReminderSend>();
    public DbSet<MailPreference> MailPreferences => Set<MailPreference>();
    public DbSet<VocabularyTerm> VocabularyTerms => Set<VocabularyTerm>();
    public DbSet<PracticeProfile> PracticeProfiles => Set<PracticeProfile>();
    public DbSet<ReferralRequest> ReferralRequests => Set<ReferralRequest>();
    public DbSet<Introduction> Introductions => Set<Introduction>();
    public DbSet<VersionRow> VersionRows => Set<VersionRow>();
    public DbSet<Domain.Memberships.MembershipPlan> MembershipPlans => Set<Domain.Memberships.MembershipPlan>();
    public DbSet<Domain.Memberships.MembershipPayment> MembershipPayments => Set<Domain.Memberships.MembershipPayment>();
    public DbSet<Domain.Receipts.Receipt> Receipts => Set<Domain.Receipts.Receipt>();
    public DbSet<ReceiptSequence> ReceiptSequences => Set<ReceiptSequence>();
    public DbSet<Domain.Receipts.ReceiptDocument> ReceiptDocuments => Set<Domain.Receipts.ReceiptDocument>();
    public DbSet<MatchmakingMeeting> MatchmakingMeetings => Set<MatchmakingMeeting>();
    public DbSet<MatchmakingSelection> MatchmakingSelections => Set<MatchmakingSelection>();
    public DbSet<ProcessedStripeEvent> ProcessedStripeEvents => Set<ProcessedStripeEvent>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(AppDbContext).Assembly);
        // What an aggregate raised is recorded as notification records, never mapped as a navigation.
        foreach (var type in builder.Model.GetEntityTypes().Where(t => typeof(AggregateRoot).IsAssignableFrom(t.ClrType)).ToList())
            builder.Entity(type.ClrType).Ignore(nameof(AggregateRoot.DomainEvents));
        SnakeCaseNames.Apply(builder);
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // Every instant is stored as timestamptz in UTC.
        configurationBuilder.Properties<DateTimeOffset>().HaveColumnType("timestamp with time zone");
    }
}

/// <summary>A key of ASP.NET Core Data Protection, kept in PostgreSQL so every API instance shares it.</summary>
public sealed class DataProtectionKey
{
    public int Id { get; set; }
    public string? FriendlyName { get; set; }
    public string Xml { get; set; } = "";
}

using Assemble.Domain.Auditing;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Assemble.Infrastructure.Persistence.Configurations;

public sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> builder)
    {
        builder.ToTable("AuditLog");
        builder.HasKey(a => a.Id);
        builder.Property(a => a.Id).ValueGeneratedNever();
        builder.Property(a => a.Action).HasMaxLength(64).IsRequired();
        builder.Property(a => a.TargetType).HasMaxLength(64).IsRequired();
        builder.Property(a => a.Detail).HasMaxLength(200);
        builder.HasIndex(a => new { a.TargetType, a.TargetId });
        builder.HasIndex(a => a.ActorId);
        // A member's access log and data export: the lines about them, newest first.
        builder.HasIndex(a => new { a.SubjectId, a.Id });
    }
}

public sealed class DataProtectionKeyConfiguration : IEntityTypeConfiguration<DataProtectionKey>
{
    public void Configure(EntityTypeBuilder<DataProtectionKey> builder)
    {
        builder.ToTable("DataProtectionKeys");
        builder.HasKey(k => k.Id);
        builder.Property(k => k.FriendlyName).HasMaxLength(200);
        builder.Property(k => k.Xml).IsRequired();
    }
}

public sealed class OutboxEmailConfiguration : IEntityTypeConfiguration<Assemble.Domain.Common.OutboxEmail>
{
    public void Configure(EntityTypeBuilder<Assemble.Domain.Common.OutboxEmail> builder)
    {
        builder.ToTable("OutboxEmails");
        builder.HasKey(e => e.Id);
        builder.Property(e => e.Id).ValueGeneratedNever();
        builder.Property(e => e.To).HasMaxLength(320).IsRequired();
        builder.Property(e => e.Subject).HasMaxLength(500).IsRequired();
        builder.Property(e => e.TextBody).IsRequired();
        builder.Property(e => e.Status).HasConversion<string>().HasMaxLength(20);
        builder.Property(e => e.LastError).HasMaxLength(500);
        builder.Property(e => e.AttachmentName).HasMaxLength(200);
        builder.Property(e => e.AttachmentContentType).HasMaxLength(100);
        builder.Property(e => e.UnsubscribeUrl).HasMaxLength(1000);
        // The dispatcher's queue: pending rows that are due, oldest first.
        builder.HasIndex(e => e.NextAttemptAt).HasFilter("status = 'Pending'").HasDatabaseName("ix_outbox_emails_due");
        builder.HasIndex(e => new { e.Status, e.Id });
    }
}

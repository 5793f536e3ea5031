using Assemble.Domain.Credentials;
using Assemble.Infrastructure.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Assemble.Infrastructure.Persistence.Configurations;

public sealed class CredentialConfiguration : IEntityTypeConfiguration<Credential>
{
    public void Configure(EntityTypeBuilder<Credential> builder)
    {
        builder.ToTable("Credentials", t =>
        {
            t.HasCheckConstraint("ck_credentials_decision",
                "(status = 'Pending') = (decided_at IS NULL)");
            t.HasCheckConstraint("ck_credentials_rejection_reason",
                "(status IN ('Rejected', 'Revoked')) = (rejection_reason IS NOT NULL)");
        });
        builder.HasKey(c => c.Id);
        builder.Property(c => c.Id).ValueGeneratedNever();
        // PostgreSQL's xmin: two admins deciding the same credential at once cannot both win.
        builder.Property<uint>("xmin").HasColumnName("xmin").IsRowVersion();
        builder.HasOne<AppUser>().WithMany().HasForeignKey(c => c.MemberId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<AppUser>().WithMany().HasForeignKey(c => c.DecidedBy).OnDelete(DeleteBehavior.SetNull);

        builder.Property(c => c.Kind).HasConversion<string>().HasMaxLength(40);
        builder.Property(c => c.Status).HasConversion<string>().HasMaxLength(20);
        builder.Property(c => c.RegistrationNumber).HasMaxLength(Credential.RegistrationNumberMaxLength).IsRequired();
        builder.Property(c => c.Issuer).HasMaxLength(Credential.IssuerMaxLength).IsRequired();
        builder.Property(c => c.RejectionReason).HasMaxLength(Credential.ReasonMaxLength);

        // One open (pending or verified) credential of each kind per member.
        builder.HasIndex(c => new { c.MemberId, c.Kind })
            .IsUnique()
            .HasFilter("status IN ('Pending', 'Verified')")
            .HasDatabaseName("ix_credentials_one_open_per_kind");
        // The admins' queue: pending first, oldest first.
        builder.HasIndex(c => new { c.Status, c.Id });
    }
}

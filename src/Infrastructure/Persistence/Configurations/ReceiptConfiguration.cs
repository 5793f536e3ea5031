using Assemble.Domain.Receipts;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Assemble.Infrastructure.Persistence.Configurations;

public sealed class ReceiptConfiguration : IEntityTypeConfiguration<Receipt>
{
    public void Configure(EntityTypeBuilder<Receipt> builder)
    {
        builder.ToTable("Receipts");
        builder.HasKey(r => r.Id);
        builder.Property(r => r.Id).ValueGeneratedNever();
        builder.Ignore(r => r.Number);
        builder.Ignore(r => r.IsQualified);
        builder.Property(r => r.Kind).HasConversion<string>().HasMaxLength(20);
        builder.Property(r => r.Addressee).HasMaxLength(Receipt.MaxAddresseeLength);
        builder.Property<ReceiptIssuer?>(nameof(Receipt.Issuer)).AsJsonValue().IsRequired();
        builder.Property(r => r.Items).AsJson().IsRequired();
        builder.Property(r => r.Taxes).AsJson().IsRequired();
        // Numbers never repeat within a year; a payment has one sale receipt (reissues point back to it).
        builder.HasIndex(r => new { r.Year, r.Sequence }).IsUnique();
        builder.HasIndex(r => r.PaymentId).IsUnique().HasFilter("kind = 'Sale' AND reissue_of IS NULL").HasDatabaseName("ix_receipts_one_sale_per_payment");
        builder.HasIndex(r => r.RefundId).IsUnique().HasFilter("reissue_of IS NULL").HasDatabaseName("ix_receipts_one_return_per_refund");
        builder.HasIndex(r => new { r.PayerId, r.Id });
        builder.HasIndex(r => new { r.TransactionOn, r.Id }); // the archive's search by date
    }
}

using Assemble.Domain.Receipts;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Assemble.Infrastructure.Persistence.Configurations;

public sealed class ReceiptDocumentConfiguration : IEntityTypeConfiguration<ReceiptDocument>
{
    public void Configure(EntityTypeBuilder<ReceiptDocument> builder)
    {
        builder.ToTable("ReceiptDocuments", t => t.HasCheckConstraint("ck_receipt_documents_sha256", "sha256 ~ '^[0-9a-f]{64}$'"));
        builder.HasKey(d => d.ReceiptId);
        builder.Property(d => d.ReceiptId).ValueGeneratedNever();
        builder.Property(d => d.Sha256).HasMaxLength(64).IsFixedLength();
        builder.HasOne<Receipt>().WithOne().HasForeignKey<ReceiptDocument>(d => d.ReceiptId).OnDelete(DeleteBehavior.Restrict);
    }
}

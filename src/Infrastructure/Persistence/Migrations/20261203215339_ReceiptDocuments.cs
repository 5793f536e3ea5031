using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Assemble.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class ReceiptDocuments : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "receipt_documents",
                columns: table => new
                {
                    receipt_id = table.Column<Guid>(type: "uuid", nullable: false),
                    pdf = table.Column<byte[]>(type: "bytea", nullable: false),
                    sha256 = table.Column<string>(type: "character(64)", fixedLength: true, maxLength: 64, nullable: false),
                    rendered_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_receipt_documents", x => x.receipt_id);
                    table.CheckConstraint("ck_receipt_documents_sha256", "sha256 ~ '^[0-9a-f]{64}$'");
                    table.ForeignKey(
                        name: "fk_receipt_documents_receipts_receipt_id",
                        column: x => x.receipt_id,
                        principalTable: "receipts",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            // Receipts are kept as issued (電子帳簿保存法: 訂正削除の防止): PostgreSQL itself refuses to delete one, or to
            // change one but for its addressee and the moment of its first download while it has not been downloaded,
            // and a PDF once made never changes. Whatever code or tool runs, a correction is a new receipt.
            migrationBuilder.Sql(
                """
                CREATE FUNCTION refuse_receipt_change() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    -- Nested: PL/pgSQL may evaluate every operand, and receipt_documents has no first_downloaded_at.
                    IF TG_OP = 'UPDATE' AND TG_TABLE_NAME = 'receipts' THEN
                        IF OLD.first_downloaded_at IS NULL
                           AND (to_jsonb(NEW) - 'addressee' - 'first_downloaded_at') = (to_jsonb(OLD) - 'addressee' - 'first_downloaded_at') THEN
                            RETURN NEW;
                        END IF;
                    END IF;
                    RAISE EXCEPTION 'a receipt is kept as issued: % on % refused', TG_OP, TG_TABLE_NAME USING ERRCODE = 'integrity_constraint_violation';
                END
                $$;

                CREATE TRIGGER tr_receipts_kept BEFORE UPDATE OR DELETE ON receipts FOR EACH ROW EXECUTE FUNCTION refuse_receipt_change();
                CREATE TRIGGER tr_receipt_documents_kept BEFORE UPDATE OR DELETE ON receipt_documents FOR EACH ROW EXECUTE FUNCTION refuse_receipt_change();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(
                """
                DROP TRIGGER tr_receipts_kept ON receipts;
                DROP TRIGGER tr_receipt_documents_kept ON receipt_documents;
                DROP FUNCTION refuse_receipt_change();
                """);

            migrationBuilder.DropTable(
                name: "receipt_documents");
        }
    }
}

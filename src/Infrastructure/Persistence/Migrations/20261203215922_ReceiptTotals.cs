using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Assemble.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class ReceiptTotals : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "total_yen",
                table: "receipts",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            // Receipts already issued get their total from their items (camelCase JSON, JsonColumn). The keeping
            // trigger refuses any update, so it stands aside for this one statement of the migration's transaction.
            migrationBuilder.Sql(
                """
                ALTER TABLE receipts DISABLE TRIGGER tr_receipts_kept;
                UPDATE receipts SET total_yen = (SELECT coalesce(sum((i ->> 'amountYen')::int), 0) FROM jsonb_array_elements(items) AS i);
                ALTER TABLE receipts ENABLE TRIGGER tr_receipts_kept;
                ALTER TABLE receipts ALTER COLUMN total_yen DROP DEFAULT;
                """);

            migrationBuilder.CreateIndex(
                name: "ix_receipts_transaction_on_id",
                table: "receipts",
                columns: new[] { "transaction_on", "id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_receipts_transaction_on_id",
                table: "receipts");

            migrationBuilder.DropColumn(
                name: "total_yen",
                table: "receipts");
        }
    }
}

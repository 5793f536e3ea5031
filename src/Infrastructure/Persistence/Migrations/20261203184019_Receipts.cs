using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Assemble.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class Receipts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "receipt_sequences",
                columns: table => new
                {
                    year = table.Column<int>(type: "integer", nullable: false),
                    last = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_receipt_sequences", x => x.year);
                });

            migrationBuilder.CreateTable(
                name: "receipts",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    year = table.Column<int>(type: "integer", nullable: false),
                    sequence = table.Column<int>(type: "integer", nullable: false),
                    kind = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    payer_id = table.Column<Guid>(type: "uuid", nullable: false),
                    payment_id = table.Column<Guid>(type: "uuid", nullable: false),
                    issuer = table.Column<string>(type: "jsonb", nullable: false),
                    addressee = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    transaction_on = table.Column<DateOnly>(type: "date", nullable: false),
                    original_sale_on = table.Column<DateOnly>(type: "date", nullable: true),
                    items = table.Column<string>(type: "jsonb", nullable: false),
                    taxes = table.Column<string>(type: "jsonb", nullable: false),
                    reissue_of = table.Column<Guid>(type: "uuid", nullable: true),
                    issued_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    first_downloaded_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_receipts", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_receipts_one_sale_per_payment",
                table: "receipts",
                column: "payment_id",
                unique: true,
                filter: "kind = 'Sale' AND reissue_of IS NULL");

            migrationBuilder.CreateIndex(
                name: "ix_receipts_payer_id_id",
                table: "receipts",
                columns: new[] { "payer_id", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_receipts_year_sequence",
                table: "receipts",
                columns: new[] { "year", "sequence" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "receipt_sequences");

            migrationBuilder.DropTable(
                name: "receipts");
        }
    }
}

using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Assemble.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class ReturnInvoicePerRefund : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "refund_id",
                table: "receipts",
                type: "uuid",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "ix_receipts_one_return_per_refund",
                table: "receipts",
                column: "refund_id",
                unique: true,
                filter: "reissue_of IS NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_receipts_one_return_per_refund",
                table: "receipts");

            migrationBuilder.DropColumn(
                name: "refund_id",
                table: "receipts");
        }
    }
}

using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Assemble.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class SettleMoney : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_refunds_to_send",
                table: "refunds");

            migrationBuilder.AddColumn<string>(
                name: "last_error",
                table: "refunds",
                type: "character varying(300)",
                maxLength: 300,
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "next_attempt_at",
                table: "refunds",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "checkout_attempt",
                table: "payments",
                type: "integer",
                nullable: false,
                defaultValue: 1);

            migrationBuilder.AddColumn<string>(
                name: "checkout_terms",
                table: "payments",
                type: "jsonb",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "checks",
                table: "payments",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "next_check_at",
                table: "payments",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "session_end_requested_at",
                table: "payments",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "payment_problems",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    kind = table.Column<string>(type: "character varying(30)", maxLength: 30, nullable: false),
                    payment_id = table.Column<Guid>(type: "uuid", nullable: true),
                    event_id = table.Column<Guid>(type: "uuid", nullable: true),
                    stripe_event_id = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: true),
                    stripe_object_id = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: true),
                    detail = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_payment_problems", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_refunds_to_send",
                table: "refunds",
                column: "created_at",
                filter: "status IN ('Requested', 'Unknown')");

            // The defaults only fill the rows already there (the application always writes both): the schema matches the model.
            migrationBuilder.Sql("ALTER TABLE payments ALTER COLUMN checkout_attempt DROP DEFAULT, ALTER COLUMN checks DROP DEFAULT");
            // Refunds failed before this release may have a blank reason; the constraint below forbids one from now on.
            migrationBuilder.Sql("UPDATE refunds SET failure_reason = 'No reason was recorded (failed before reasons were kept).' WHERE status = 'Failed' AND (failure_reason IS NULL OR btrim(failure_reason) = '')");
            // Sessions already open are asked about when they end, as new ones are.
            migrationBuilder.Sql("UPDATE payments SET next_check_at = coalesce(checkout_expires_at, now()) WHERE status IN ('CheckoutOpen', 'AwaitingAsyncPayment') AND checkout_session_id IS NOT NULL");

            migrationBuilder.AddCheckConstraint(
                name: "ck_refunds_failure_reason",
                table: "refunds",
                sql: "status <> 'Failed' OR length(btrim(failure_reason)) > 0");

            migrationBuilder.CreateIndex(
                name: "ix_payments_to_check",
                table: "payments",
                column: "next_check_at",
                filter: "next_check_at IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_payment_problems_created_at",
                table: "payment_problems",
                column: "created_at");

            migrationBuilder.CreateIndex(
                name: "ix_payment_problems_event_id",
                table: "payment_problems",
                column: "event_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "payment_problems");

            migrationBuilder.DropIndex(
                name: "ix_refunds_to_send",
                table: "refunds");

            migrationBuilder.DropCheckConstraint(
                name: "ck_refunds_failure_reason",
                table: "refunds");

            migrationBuilder.DropIndex(
                name: "ix_payments_to_check",
                table: "payments");

            migrationBuilder.DropColumn(
                name: "last_error",
                table: "refunds");

            migrationBuilder.DropColumn(
                name: "next_attempt_at",
                table: "refunds");

            migrationBuilder.DropColumn(
                name: "checkout_attempt",
                table: "payments");

            migrationBuilder.DropColumn(
                name: "checkout_terms",
                table: "payments");

            migrationBuilder.DropColumn(
                name: "checks",
                table: "payments");

            migrationBuilder.DropColumn(
                name: "next_check_at",
                table: "payments");

            migrationBuilder.DropColumn(
                name: "session_end_requested_at",
                table: "payments");

            migrationBuilder.CreateIndex(
                name: "ix_refunds_to_send",
                table: "refunds",
                column: "created_at",
                filter: "status = 'Requested'");
        }
    }
}

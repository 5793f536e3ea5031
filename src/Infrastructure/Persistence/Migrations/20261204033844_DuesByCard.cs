using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Assemble.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class DuesByCard : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterColumn<Guid>(
                name: "registration_id",
                table: "refunds",
                type: "uuid",
                nullable: true,
                oldClrType: typeof(Guid),
                oldType: "uuid");

            migrationBuilder.AlterColumn<Guid>(
                name: "event_id",
                table: "refunds",
                type: "uuid",
                nullable: true,
                oldClrType: typeof(Guid),
                oldType: "uuid");

            migrationBuilder.AlterColumn<Guid>(
                name: "registration_id",
                table: "payments",
                type: "uuid",
                nullable: true,
                oldClrType: typeof(Guid),
                oldType: "uuid");

            migrationBuilder.AlterColumn<Guid>(
                name: "event_id",
                table: "payments",
                type: "uuid",
                nullable: true,
                oldClrType: typeof(Guid),
                oldType: "uuid");

            migrationBuilder.AddColumn<string>(
                name: "plan_code",
                table: "payments",
                type: "character varying(40)",
                maxLength: 40,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "purpose",
                table: "payments",
                type: "character varying(10)",
                maxLength: 10,
                nullable: false,
                defaultValue: "Ticket");

            // Every payment so far was for a ticket; from now on each says what it is for.
            migrationBuilder.Sql("ALTER TABLE payments ALTER COLUMN purpose DROP DEFAULT;");

            migrationBuilder.AddColumn<Guid>(
                name: "payment_id",
                table: "membership_payments",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "voided_at",
                table: "membership_payments",
                type: "timestamp with time zone",
                nullable: true);

            // Voiding dues (a full refund) ends the membership they bought: seat copies of the member must go stale.
            migrationBuilder.Sql(
                """
                DROP TRIGGER tr_membership_payments_registrant_version ON membership_payments;
                CREATE TRIGGER tr_membership_payments_registrant_version AFTER INSERT OR DELETE OR UPDATE OF member_id, starts_on, ends_on, voided_at
                    ON membership_payments FOR EACH ROW EXECUTE FUNCTION bump_registrant_version_of_member_row();
                """);

            migrationBuilder.CreateIndex(
                name: "ix_payments_one_dues_under_way",
                table: "payments",
                column: "member_id",
                unique: true,
                filter: "purpose = 'Dues' AND status IN ('CheckoutOpen', 'AwaitingAsyncPayment')");

            migrationBuilder.CreateIndex(
                name: "ix_payments_plan_code",
                table: "payments",
                column: "plan_code");

            migrationBuilder.AddCheckConstraint(
                name: "ck_payments_purpose",
                table: "payments",
                sql: "(purpose = 'Ticket' AND registration_id IS NOT NULL AND event_id IS NOT NULL AND plan_code IS NULL) OR (purpose = 'Dues' AND registration_id IS NULL AND event_id IS NULL AND plan_code IS NOT NULL)");

            migrationBuilder.CreateIndex(
                name: "ix_membership_payments_payment_id",
                table: "membership_payments",
                column: "payment_id",
                unique: true);

            migrationBuilder.AddForeignKey(
                name: "fk_membership_payments_payments_payment_id",
                table: "membership_payments",
                column: "payment_id",
                principalTable: "payments",
                principalColumn: "id",
                onDelete: ReferentialAction.Restrict);

            migrationBuilder.AddForeignKey(
                name: "fk_payments_membership_plans_plan_code",
                table: "payments",
                column: "plan_code",
                principalTable: "membership_plans",
                principalColumn: "code",
                onDelete: ReferentialAction.Restrict);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(
                """
                DROP TRIGGER tr_membership_payments_registrant_version ON membership_payments;
                CREATE TRIGGER tr_membership_payments_registrant_version AFTER INSERT OR DELETE OR UPDATE OF member_id, starts_on, ends_on
                    ON membership_payments FOR EACH ROW EXECUTE FUNCTION bump_registrant_version_of_member_row();
                """);

            migrationBuilder.DropForeignKey(
                name: "fk_membership_payments_payments_payment_id",
                table: "membership_payments");

            migrationBuilder.DropForeignKey(
                name: "fk_payments_membership_plans_plan_code",
                table: "payments");

            migrationBuilder.DropIndex(
                name: "ix_payments_one_dues_under_way",
                table: "payments");

            migrationBuilder.DropIndex(
                name: "ix_payments_plan_code",
                table: "payments");

            migrationBuilder.DropCheckConstraint(
                name: "ck_payments_purpose",
                table: "payments");

            migrationBuilder.DropIndex(
                name: "ix_membership_payments_payment_id",
                table: "membership_payments");

            migrationBuilder.DropColumn(
                name: "plan_code",
                table: "payments");

            migrationBuilder.DropColumn(
                name: "purpose",
                table: "payments");

            migrationBuilder.DropColumn(
                name: "payment_id",
                table: "membership_payments");

            migrationBuilder.DropColumn(
                name: "voided_at",
                table: "membership_payments");

            migrationBuilder.AlterColumn<Guid>(
                name: "registration_id",
                table: "refunds",
                type: "uuid",
                nullable: false,
                defaultValue: new Guid("00000000-0000-0000-0000-000000000000"),
                oldClrType: typeof(Guid),
                oldType: "uuid",
                oldNullable: true);

            migrationBuilder.AlterColumn<Guid>(
                name: "event_id",
                table: "refunds",
                type: "uuid",
                nullable: false,
                defaultValue: new Guid("00000000-0000-0000-0000-000000000000"),
                oldClrType: typeof(Guid),
                oldType: "uuid",
                oldNullable: true);

            migrationBuilder.AlterColumn<Guid>(
                name: "registration_id",
                table: "payments",
                type: "uuid",
                nullable: false,
                defaultValue: new Guid("00000000-0000-0000-0000-000000000000"),
                oldClrType: typeof(Guid),
                oldType: "uuid",
                oldNullable: true);

            migrationBuilder.AlterColumn<Guid>(
                name: "event_id",
                table: "payments",
                type: "uuid",
                nullable: false,
                defaultValue: new Guid("00000000-0000-0000-0000-000000000000"),
                oldClrType: typeof(Guid),
                oldType: "uuid",
                oldNullable: true);
        }
    }
}

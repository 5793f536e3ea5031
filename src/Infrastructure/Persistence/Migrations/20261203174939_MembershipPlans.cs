using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Assemble.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class MembershipPlans : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "membership_plans",
                columns: table => new
                {
                    code = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    name = table.Column<string>(type: "character varying(60)", maxLength: 60, nullable: false),
                    price_yen = table.Column<int>(type: "integer", nullable: false),
                    professions = table.Column<string[]>(type: "text[]", nullable: false),
                    validity = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    tax = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    offered = table.Column<bool>(type: "boolean", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_membership_plans", x => x.code);
                    table.CheckConstraint("ck_membership_plans_code", "code ~ '^[a-z][a-z0-9-]{1,39}$'");
                    table.CheckConstraint("ck_membership_plans_price", "price_yen BETWEEN 0 AND 1000000");
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "membership_plans");
        }
    }
}

using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Assemble.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class RegistrantVersion : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "registrant_version",
                table: "users",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);

            // What a registration reads of a member (a confirmed e-mail, the professions of valid credentials) has a
            // version, so that the seat path can keep a member in memory and have the statement that takes the seat
            // check the version instead of reading the member first (SeatMemory). PostgreSQL bumps it on any change
            // that could change the answer, whichever process or tool made it; EF never writes it. SchemaTests holds
            // the credential trigger's column list to the columns the validity rule reads.
            migrationBuilder.Sql(
                """
                CREATE FUNCTION bump_registrant_version() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    NEW.registrant_version := OLD.registrant_version + 1;
                    RETURN NEW;
                END
                $$;

                CREATE TRIGGER tr_users_registrant_version BEFORE UPDATE OF email_confirmed ON users
                    FOR EACH ROW WHEN (OLD.email_confirmed IS DISTINCT FROM NEW.email_confirmed)
                    EXECUTE FUNCTION bump_registrant_version();

                CREATE FUNCTION bump_registrant_version_of_credential() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF TG_OP <> 'INSERT' THEN
                        UPDATE users SET registrant_version = registrant_version + 1 WHERE id = OLD.member_id;
                    END IF;
                    IF TG_OP <> 'DELETE' AND (TG_OP = 'INSERT' OR NEW.member_id <> OLD.member_id) THEN
                        UPDATE users SET registrant_version = registrant_version + 1 WHERE id = NEW.member_id;
                    END IF;
                    RETURN NULL;
                END
                $$;

                CREATE TRIGGER tr_credentials_registrant_version AFTER INSERT OR DELETE OR UPDATE OF member_id, kind, status, expires_on
                    ON credentials FOR EACH ROW EXECUTE FUNCTION bump_registrant_version_of_credential();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(
                """
                DROP TRIGGER tr_credentials_registrant_version ON credentials;
                DROP FUNCTION bump_registrant_version_of_credential();
                DROP TRIGGER tr_users_registrant_version ON users;
                DROP FUNCTION bump_registrant_version();
                """);
            migrationBuilder.DropColumn(
                name: "registrant_version",
                table: "users");
        }
    }
}

using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Assemble.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class AccessVersion : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "access_versions",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false),
                    version = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_access_versions", x => x.id);
                });

            // Who may do what has a version, as events, members and the directory have theirs: each instance keeps its
            // snapshot of roles and of recently changed security stamps under it (AccessStamp) and reads the row at
            // most every few hundred milliseconds, so a role removed or a session ended through any instance, or in
            // SQL, applies everywhere within that long. Deferred constraint triggers bump the one row at the commit
            // (lock taken last, held for the commit only, seen exactly when the change is), as for the directory.
            // A sign-up writes no role row (every account is a member), so the row moves only on real changes.
            migrationBuilder.Sql(
                """
                INSERT INTO access_versions (id, version) VALUES (1, 0);

                CREATE FUNCTION bump_access_version() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    UPDATE access_versions SET version = version + 1 WHERE id = 1;
                    RETURN NULL;
                END
                $$;

                CREATE CONSTRAINT TRIGGER tr_user_roles_access AFTER INSERT OR UPDATE OR DELETE ON user_roles
                    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_access_version();
                CREATE CONSTRAINT TRIGGER tr_users_access AFTER UPDATE OF security_stamp ON users
                    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (OLD.security_stamp IS DISTINCT FROM NEW.security_stamp)
                    EXECUTE FUNCTION bump_access_version();
                CREATE CONSTRAINT TRIGGER tr_users_access_delete AFTER DELETE ON users
                    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_access_version();
                """);
        }


        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(
                """
                DROP TRIGGER tr_users_access_delete ON users;
                DROP TRIGGER tr_users_access ON users;
                DROP TRIGGER tr_user_roles_access ON user_roles;
                DROP FUNCTION bump_access_version();
                """);
            migrationBuilder.DropTable(
                name: "access_versions");
        }
    }
}

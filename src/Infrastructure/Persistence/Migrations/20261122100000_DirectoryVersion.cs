using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Assemble.Infrastructure.Persistence.Migrations;

/// <summary>
/// The directory index's change counter, bumped only by changes to what the index holds (practice profiles,
/// verified credentials, display names and hiding), so editing a bio or submitting a credential reloads nothing. The triggers are deferred constraint triggers: they bump the one row at
/// commit, after every other statement of the transaction, so the row lock is taken last and held for the commit
/// only (no lock-order cycles with the rows the transaction changed), and a reader sees the new version exactly when
/// the change itself becomes visible.
/// </summary>
[DbContext(typeof(AppDbContext))]
[Migration("20261122100000_DirectoryVersion")]
public sealed class DirectoryVersionMigration : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql(
            """
            CREATE TABLE directory_versions (
                id integer NOT NULL,
                version bigint NOT NULL,
                CONSTRAINT pk_directory_versions PRIMARY KEY (id)
            );
            INSERT INTO directory_versions (id, version) VALUES (1, 0);

            CREATE FUNCTION bump_directory_version() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                UPDATE directory_versions SET version = version + 1 WHERE id = 1;
                RETURN NULL;
            END
            $$;

            CREATE CONSTRAINT TRIGGER tr_practice_profiles_directory AFTER INSERT OR UPDATE OR DELETE ON practice_profiles
                DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_directory_version();
            -- Only what the index holds: verified credentials (a new one is always pending) and names/hiding.
            CREATE CONSTRAINT TRIGGER tr_credentials_directory AFTER UPDATE OF status, kind, expires_on ON credentials
                DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (OLD.status = 'Verified' OR NEW.status = 'Verified')
                EXECUTE FUNCTION bump_directory_version();
            CREATE CONSTRAINT TRIGGER tr_credentials_directory_delete AFTER DELETE ON credentials
                DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (OLD.status = 'Verified') EXECUTE FUNCTION bump_directory_version();
            CREATE CONSTRAINT TRIGGER tr_member_profiles_directory AFTER UPDATE OF display_name, is_hidden ON member_profiles
                DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_directory_version();
            CREATE CONSTRAINT TRIGGER tr_member_profiles_directory_insert AFTER INSERT OR DELETE ON member_profiles
                DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_directory_version();
            """);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql(
            """
            DROP TRIGGER tr_member_profiles_directory_insert ON member_profiles;
            DROP TRIGGER tr_member_profiles_directory ON member_profiles;
            DROP TRIGGER tr_credentials_directory_delete ON credentials;
            DROP TRIGGER tr_credentials_directory ON credentials;
            DROP TRIGGER tr_practice_profiles_directory ON practice_profiles;
            DROP FUNCTION bump_directory_version();
            DROP TABLE directory_versions;
            """);
    }
}

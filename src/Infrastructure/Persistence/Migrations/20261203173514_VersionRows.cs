using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Assemble.Infrastructure.Persistence.Migrations
{
    /// <summary>
    /// The directory's and the access version rows become rows of one table, named by the copy they stand for
    /// (docs/decisions/0007). The triggers stay; their functions now bump the row by name, and the versions carry over.
    /// </summary>
    public partial class VersionRows : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "version_rows",
                columns: table => new
                {
                    name = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    version = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_version_rows", x => x.name);
                });

            migrationBuilder.Sql(
                """
                INSERT INTO version_rows (name, version) SELECT 'directory', version FROM directory_versions WHERE id = 1;
                INSERT INTO version_rows (name, version) SELECT 'access', version FROM access_versions WHERE id = 1;

                CREATE OR REPLACE FUNCTION bump_directory_version() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    UPDATE version_rows SET version = version + 1 WHERE name = 'directory';
                    RETURN NULL;
                END
                $$;

                CREATE OR REPLACE FUNCTION bump_access_version() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    UPDATE version_rows SET version = version + 1 WHERE name = 'access';
                    RETURN NULL;
                END
                $$;
                """);

            migrationBuilder.DropTable(name: "access_versions");
            migrationBuilder.DropTable(name: "directory_versions");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            foreach (var table in new[] { "access_versions", "directory_versions" })
            {
                migrationBuilder.CreateTable(
                    name: table,
                    columns: t => new
                    {
                        id = t.Column<int>(type: "integer", nullable: false),
                        version = t.Column<long>(type: "bigint", nullable: false)
                    },
                    constraints: t => t.PrimaryKey("pk_" + table, x => x.id));
            }

            migrationBuilder.Sql(
                """
                INSERT INTO directory_versions (id, version) SELECT 1, version FROM version_rows WHERE name = 'directory';
                INSERT INTO access_versions (id, version) SELECT 1, version FROM version_rows WHERE name = 'access';

                CREATE OR REPLACE FUNCTION bump_directory_version() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    UPDATE directory_versions SET version = version + 1 WHERE id = 1;
                    RETURN NULL;
                END
                $$;

                CREATE OR REPLACE FUNCTION bump_access_version() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    UPDATE access_versions SET version = version + 1 WHERE id = 1;
                    RETURN NULL;
                END
                $$;
                """);

            migrationBuilder.DropTable(name: "version_rows");
        }
    }
}

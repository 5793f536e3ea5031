using System.Xml.Linq;
using Assemble.Domain.Common;
using Xunit;

namespace Assemble.Domain.UnitTests;

public sealed class DomainIsolationTests
{
    [Fact]
    public void Domain_project_references_no_package_and_no_other_project()
    {
        var project = XDocument.Load(Path.Combine(RepositoryRoot(), "src", "Domain", "Domain.csproj"));
        var references = project.Descendants()
            .Where(e => e.Name.LocalName is "PackageReference" or "ProjectReference" or "FrameworkReference" or "Reference")
            .Select(e => e.ToString())
            .ToList();
        Assert.True(references.Count == 0, "src/Domain must reference nothing: " + string.Join(", ", references));
    }

    [Fact]
    public void Domain_assembly_depends_on_the_base_library_only()
    {
        var referenced = typeof(Error).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();
        var foreign = referenced.Where(n => !(n.StartsWith("System", StringComparison.Ordinal) || n is "netstandard" or "mscorlib")).ToList();
        Assert.True(foreign.Count == 0, "Assemble.Domain depends on: " + string.Join(", ", foreign));
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Assemble.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Assemble.sln not found above the test output folder.");
    }
}

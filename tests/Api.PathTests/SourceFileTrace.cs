using System.Collections.Concurrent;
using System.Diagnostics.Tracing;
using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;

namespace Assemble.Api.PathTests;

/// <summary>
/// Which of our source files have code that runs for the first time while the trace is open, in the order it first
/// ran. It listens to the runtime's JIT events (each method of ours is compiled on its first call, without inlining at
/// that tier) and finds each method's file in its portable PDB. Only code not run before the trace opened shows, so a
/// caller arranges its data without touching the path it measures.
/// </summary>
public sealed class SourceFileTrace : EventListener
{
    private const EventKeywords Jit = (EventKeywords)0x10;

    private static readonly string[] Ours = ["Assemble.Api", "Assemble.Domain", "Assemble.Infrastructure"];

    private readonly ConcurrentQueue<(DateTime At, string Type, int Token)> compiled = new();

    /// <summary>
    /// The files whose code first ran while <paramref name="run"/> did. Runtime events reach a listener a moment after
    /// they happen, so each is placed by its own time stamp, once the stream has caught up.
    /// </summary>
    public async Task<IReadOnlyList<string>> FilesOfAsync(Func<Task> run)
    {
        await Task.Delay(TimeSpan.FromSeconds(1));
        var from = DateTime.UtcNow;
        await run();
        var to = DateTime.UtcNow;
        await Task.Delay(TimeSpan.FromSeconds(2));
        // A method compiled before the window and again inside it (tiered compilation optimising hot code) did not run first there.
        var before = compiled.Where(c => c.At < from).Select(c => (c.Type, c.Token)).ToHashSet();
        var files = new List<string>();
        foreach (var (at, type, token) in compiled)
            if (at >= from && at <= to && !before.Contains((type, token)) && FileOf(type, token) is var file && !files.Contains(file)) files.Add(file);
        return files;
    }

    protected override void OnEventSourceCreated(EventSource source)
    {
        if (source.Name == "Microsoft-Windows-DotNETRuntime") EnableEvents(source, EventLevel.Verbose, Jit);
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (e.EventName is null || !e.EventName.StartsWith("MethodLoadVerbose", StringComparison.Ordinal) || e.Payload is null) return;
        var type = (string)e.Payload[e.PayloadNames!.IndexOf("MethodNamespace")]!;
        if (!Ours.Any(o => type.StartsWith(o + ".", StringComparison.Ordinal)) || type.StartsWith("Assemble.Api.IntegrationTests.", StringComparison.Ordinal)
            || type.StartsWith("Assemble.Api.PathTests.", StringComparison.Ordinal)) return;
        compiled.Enqueue((e.TimeStamp.ToUniversalTime(), type, Convert.ToInt32(e.Payload[e.PayloadNames.IndexOf("MethodToken")])));
    }

    private readonly Dictionary<Assembly, MetadataReaderProvider> pdbs = [];

    public override void Dispose()
    {
        foreach (var pdb in pdbs.Values) pdb.Dispose();
        base.Dispose();
    }

    /// <summary>The method's file, relative to the repository; the type's name in parentheses when no PDB of ours has it.</summary>
    private string FileOf(string typeName, int token)
    {
        // A generic type's shared code is named with its arguments (GroupCommitQueue`1[System.__Canon]); reflection wants none.
        var name = System.Text.RegularExpressions.Regex.Replace(typeName, @"\[[^\[\]]*(\[[^\[\]]*\][^\[\]]*)*\]", "");
        var assembly = AppDomain.CurrentDomain.GetAssemblies()
            .FirstOrDefault(a => Ours.Contains(a.GetName().Name) && a.GetType(name) is not null);
        if (assembly is null) return $"({typeName})";
        if (!pdbs.TryGetValue(assembly, out var provider))
            pdbs[assembly] = provider = MetadataReaderProvider.FromPortablePdbStream(File.OpenRead(Path.ChangeExtension(assembly.Location, ".pdb")));
        var pdb = provider.GetMetadataReader();
        var document = DocumentOf(pdb, MetadataTokens.MethodDefinitionHandle(token & 0xFFFFFF));
        // Generated members (a closure's constructor, a record's Equals) have no lines: they belong to the file of the
        // nearest enclosing type that has some.
        for (var type = assembly.GetType(name); document.IsNil && type is not null; type = type.DeclaringType)
            document = type.GetMethods(Everything).Cast<MethodBase>().Concat(type.GetConstructors(Everything))
                .Select(m => DocumentOf(pdb, MetadataTokens.MethodDefinitionHandle(m.MetadataToken & 0xFFFFFF))).FirstOrDefault(d => !d.IsNil);
        if (document.IsNil) return $"({typeName})";
        var path = pdb.GetString(pdb.GetDocument(document).Name).Replace('\\', '/');
        var src = path.LastIndexOf("/src/", StringComparison.Ordinal);
        return src < 0 ? path : path[(src + 1)..];
    }

    private const BindingFlags Everything = BindingFlags.DeclaredOnly | BindingFlags.Instance | BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic;

    private static DocumentHandle DocumentOf(MetadataReader pdb, MethodDefinitionHandle method)
        => pdb.GetMethodDebugInformation(method).GetSequencePoints().Select(p => p.Document).FirstOrDefault(d => !d.IsNil);
}

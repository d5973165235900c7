using Mono.Cecil;

namespace Grader.Testing.Architecture;

/// <summary>
/// Which namespaces of one assembly use which, read from the compiled IL (signatures, attributes and
/// method bodies, lambdas and state machines counted with the type that declares them), and the cycles
/// among them. Source <c>using</c> directives would miss parent namespaces, which C# resolves implicitly.
/// </summary>
public sealed class NamespaceGraph
{
    private readonly Dictionary<string, Dictionary<string, SortedSet<string>>> _edges = new(StringComparer.Ordinal);

    private NamespaceGraph(string assemblyPath)
    {
        using var module = ModuleDefinition.ReadModule(assemblyPath);
        foreach (var type in module.GetTypes())
        {
            var from = NamespaceOf(type);
            if (from.Length == 0) continue;
            foreach (var used in UsedTypes(type))
            {
                var to = NamespaceOf(used);
                if (to.Length == 0 || to == from) continue;
                Add(from, to, $"{OuterName(type)} uses {OuterName(used)}");
            }
        }
    }

    public static NamespaceGraph Of(System.Reflection.Assembly assembly) => new(assembly.Location);

    public IReadOnlyCollection<string> Namespaces =>
        _edges.Keys.Concat(_edges.Values.SelectMany(e => e.Keys)).Distinct(StringComparer.Ordinal).ToList();

    public bool Uses(string from, string to) => _edges.TryGetValue(from, out var targets) && targets.ContainsKey(to);

    /// <summary>Each strongly connected set of two or more namespaces, described edge by edge with an example.</summary>
    public IReadOnlyList<string> DescribeCycles()
    {
        var cycles = new List<string>();
        foreach (var component in StronglyConnected().Where(c => c.Count > 1))
        {
            var members = component.ToHashSet(StringComparer.Ordinal);
            var lines = from a in component.Order(StringComparer.Ordinal)
                        from edge in _edges.GetValueOrDefault(a) ?? []
                        where members.Contains(edge.Key)
                        select $"  {a} -> {edge.Key} ({string.Join("; ", edge.Value.Take(3))})";
            cycles.Add($"cycle among {string.Join(", ", component.Order(StringComparer.Ordinal))}:\n{string.Join("\n", lines)}");
        }
        return cycles;
    }

    private void Add(string from, string to, string example)
    {
        if (!_edges.TryGetValue(from, out var targets)) _edges[from] = targets = new(StringComparer.Ordinal);
        if (!targets.TryGetValue(to, out var examples)) targets[to] = examples = new(StringComparer.Ordinal);
        examples.Add(example);
    }

    // Tarjan's algorithm over the namespace graph.
    private List<List<string>> StronglyConnected()
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var low = new Dictionary<string, int>(StringComparer.Ordinal);
        var stack = new Stack<string>();
        var onStack = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<List<string>>();
        var next = 0;

        void Visit(string node)
        {
            index[node] = low[node] = next++;
            stack.Push(node);
            onStack.Add(node);
            foreach (var target in (_edges.GetValueOrDefault(node) ?? []).Keys)
            {
                if (!index.ContainsKey(target))
                {
                    Visit(target);
                    low[node] = Math.Min(low[node], low[target]);
                }
                else if (onStack.Contains(target))
                {
                    low[node] = Math.Min(low[node], index[target]);
                }
            }
            if (low[node] != index[node]) return;
            var component = new List<string>();
            string member;
            do
            {
                member = stack.Pop();
                onStack.Remove(member);
                component.Add(member);
            } while (member != node);
            result.Add(component);
        }

        foreach (var node in Namespaces.Order(StringComparer.Ordinal))
            if (!index.ContainsKey(node)) Visit(node);
        return result;
    }

    private static string NamespaceOf(TypeReference type)
    {
        while (type.DeclaringType is not null) type = type.DeclaringType;
        return type.Namespace;
    }

    private static string OuterName(TypeReference type)
    {
        while (type.DeclaringType is not null) type = type.DeclaringType;
        return type.Name;
    }

    private static IEnumerable<TypeReference> UsedTypes(TypeDefinition type)
    {
        if (type.BaseType is not null) foreach (var t in Expand(type.BaseType)) yield return t;
        foreach (var i in type.Interfaces) foreach (var t in Expand(i.InterfaceType)) yield return t;
        foreach (var a in type.CustomAttributes) foreach (var t in Expand(a.AttributeType)) yield return t;
        foreach (var field in type.Fields)
            foreach (var t in Expand(field.FieldType)) yield return t;
        foreach (var property in type.Properties)
            foreach (var t in Expand(property.PropertyType)) yield return t;
        foreach (var method in type.Methods)
        {
            foreach (var t in Expand(method.ReturnType)) yield return t;
            foreach (var p in method.Parameters) foreach (var t in Expand(p.ParameterType)) yield return t;
            foreach (var a in method.CustomAttributes) foreach (var t in Expand(a.AttributeType)) yield return t;
            if (!method.HasBody) continue;
            foreach (var v in method.Body.Variables) foreach (var t in Expand(v.VariableType)) yield return t;
            foreach (var instruction in method.Body.Instructions)
            {
                switch (instruction.Operand)
                {
                    case TypeReference t:
                        foreach (var e in Expand(t)) yield return e;
                        break;
                    case MethodReference m:
                        foreach (var e in Expand(m.DeclaringType)) yield return e;
                        foreach (var e in Expand(m.ReturnType)) yield return e;
                        if (m is GenericInstanceMethod g)
                            foreach (var arg in g.GenericArguments) foreach (var e in Expand(arg)) yield return e;
                        break;
                    case FieldReference f:
                        foreach (var e in Expand(f.DeclaringType)) yield return e;
                        foreach (var e in Expand(f.FieldType)) yield return e;
                        break;
                }
            }
        }
    }

    // Only this assembly's types count (the compiler hands them over as definitions); a generic instance,
    // array or by-ref type uses its element type and its type arguments.
    private static IEnumerable<TypeReference> Expand(TypeReference? type)
    {
        if (type is null) yield break;
        switch (type)
        {
            case GenericInstanceType generic:
                foreach (var t in Expand(generic.ElementType)) yield return t;
                foreach (var arg in generic.GenericArguments) foreach (var t in Expand(arg)) yield return t;
                yield break;
            case TypeSpecification spec:
                foreach (var t in Expand(spec.ElementType)) yield return t;
                yield break;
            case GenericParameter:
                yield break;
            case TypeDefinition definition:
                yield return definition;
                yield break;
        }
    }
}

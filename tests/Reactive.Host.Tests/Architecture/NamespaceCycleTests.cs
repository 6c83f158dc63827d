using System.Reflection;
using System.Reflection.Emit;
using Reactive.Host.Tables;

namespace Reactive.Host.Tests.Architecture;

/// <summary>
/// The Host's feature folders depend one way (wiring → parts). The dependencies are read from the
/// compiled assembly — signatures, base types, attributes and the types, methods and fields the
/// method bodies use (IL) — so a using line, a fully qualified name or a generic registration all count.
/// </summary>
public sealed class NamespaceCycleTests
{
    private const string Root = "Reactive.Host";

    /// <summary>
    /// Edges that close a cycle today and are being removed elsewhere; an edge listed here is
    /// ignored. Delete a line when its cycle is gone (the test then keeps it gone).
    /// </summary>
    private static readonly HashSet<(string From, string To)> KnownEdges =
    [
    ];

    [Fact]
    public void HostNamespaces_HaveNoCycles()
    {
        var graph = DependencyGraph(typeof(MemoryTableStore).Assembly);
        foreach (var edge in KnownEdges)
        {
            graph.GetValueOrDefault(edge.From)?.Remove(edge.To);
        }

        var cycles = Cycles(graph);
        Assert.True(cycles.Count == 0, "Namespaces of Reactive.Host depend on each other in a cycle:\n" + string.Join("\n", cycles));
    }

    [Fact]
    public void CycleFinder_FindsACycle()
    {
        var graph = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal)
        {
            ["A"] = ["B"],
            ["B"] = ["C"],
            ["C"] = ["A"],
            ["D"] = ["A"],
        };

        var cycles = Cycles(graph);

        Assert.Equal(["A → B → C → A"], cycles);
    }

    [Fact]
    public void DependencyGraph_SeesBodyOnlyReferences()
    {
        // Metrics' registration reaches Progress only through a generic call in a method body.
        var graph = DependencyGraph(typeof(MemoryTableStore).Assembly);

        Assert.Contains("Reactive.Host.Progress", graph["Reactive.Host.Metrics"]);
    }

    private static Dictionary<string, HashSet<string>> DependencyGraph(Assembly assembly)
    {
        var graph = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var type in assembly.GetTypes())
        {
            var from = NamespaceOf(type);
            if (from is null)
            {
                continue;
            }

            var edges = graph.TryGetValue(from, out var set) ? set : graph[from] = new HashSet<string>(StringComparer.Ordinal);
            foreach (var used in UsedTypes(type))
            {
                if (NamespaceOf(used) is { } to && to != from)
                {
                    edges.Add(to);
                }
            }
        }

        return graph;
    }

    private static string? NamespaceOf(Type type)
    {
        while (type.IsNested)
        {
            type = type.DeclaringType!;
        }

        var ns = type.Namespace;
        return ns is not null && (ns == Root || ns.StartsWith(Root + ".", StringComparison.Ordinal)) && type.Assembly.GetName().Name == "reactive" ? ns : null;
    }

    private const BindingFlags All = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    private static IEnumerable<Type> UsedTypes(Type type)
    {
        var found = new HashSet<Type>();
        void Add(Type? t)
        {
            if (t is null || !found.Add(t))
            {
                return;
            }

            if (t.HasElementType)
            {
                Add(t.GetElementType());
            }

            if (t.IsGenericType && !t.IsGenericTypeDefinition)
            {
                Add(t.GetGenericTypeDefinition());
                foreach (var argument in t.GetGenericArguments())
                {
                    Add(argument);
                }
            }
        }

        Add(type.BaseType);
        foreach (var i in type.GetInterfaces())
        {
            Add(i);
        }

        foreach (var a in type.GetCustomAttributesData())
        {
            Add(a.AttributeType);
        }

        foreach (var field in type.GetFields(All))
        {
            Add(field.FieldType);
        }

        foreach (var property in type.GetProperties(All))
        {
            Add(property.PropertyType);
        }

        foreach (var e in type.GetEvents(All))
        {
            Add(e.EventHandlerType);
        }

        foreach (var method in type.GetMethods(All).Cast<MethodBase>().Concat(type.GetConstructors(All)))
        {
            if (method is MethodInfo info)
            {
                Add(info.ReturnType);
            }

            foreach (var parameter in method.GetParameters())
            {
                Add(parameter.ParameterType);
            }

            foreach (var t in BodyTypes(method))
            {
                Add(t);
            }
        }

        return found;
    }

    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    /// <summary>The types a method body names: in type, method, field and token operands, and its locals.</summary>
    private static IEnumerable<Type> BodyTypes(MethodBase method)
    {
        var body = method.GetMethodBody();
        if (body is null)
        {
            yield break;
        }

        foreach (var local in body.LocalVariables)
        {
            yield return local.LocalType;
        }

        var il = body.GetILAsByteArray() ?? [];
        var module = method.Module;
        var typeArgs = method.DeclaringType is { IsGenericType: true } d ? d.GetGenericArguments() : null;
        var methodArgs = method.IsGenericMethod ? method.GetGenericArguments() : null;
        var i = 0;
        while (i < il.Length)
        {
            short value = il[i] == 0xFE ? (short)(0xFE00 | il[i + 1]) : il[i];
            i += il[i] == 0xFE ? 2 : 1;
            var code = OpCodesByValue[value];
            switch (code.OperandType)
            {
                case OperandType.InlineType:
                case OperandType.InlineMethod:
                case OperandType.InlineField:
                case OperandType.InlineTok:
                    var member = Resolve(module, BitConverter.ToInt32(il, i), typeArgs, methodArgs);
                    i += 4;
                    switch (member)
                    {
                        case Type t:
                            yield return t;
                            break;
                        case MethodBase m:
                            yield return m.DeclaringType!;
                            if (m is MethodInfo mi)
                            {
                                yield return mi.ReturnType;
                                if (mi.IsGenericMethod)
                                {
                                    foreach (var a in mi.GetGenericArguments())
                                    {
                                        yield return a;
                                    }
                                }
                            }

                            foreach (var p in m.GetParameters())
                            {
                                yield return p.ParameterType;
                            }

                            break;
                        case FieldInfo f:
                            yield return f.DeclaringType!;
                            yield return f.FieldType;
                            break;
                    }

                    break;
                case OperandType.InlineSwitch:
                    var count = BitConverter.ToInt32(il, i);
                    i += 4 + (4 * count);
                    break;
                case OperandType.InlineNone:
                    break;
                case OperandType.ShortInlineBrTarget:
                case OperandType.ShortInlineI:
                case OperandType.ShortInlineVar:
                    i += 1;
                    break;
                case OperandType.InlineVar:
                    i += 2;
                    break;
                case OperandType.InlineI8:
                case OperandType.InlineR:
                    i += 8;
                    break;
                default:
                    i += 4;
                    break;
            }
        }
    }

    private static MemberInfo? Resolve(Module module, int token, Type[]? typeArgs, Type[]? methodArgs)
    {
        try
        {
            return module.ResolveMember(token, typeArgs, methodArgs);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    /// <summary>Each strongly connected group of more than one namespace, as one path that closes it.</summary>
    private static List<string> Cycles(Dictionary<string, HashSet<string>> graph)
    {
        var cycles = new List<string>();
        var reported = new HashSet<string>(StringComparer.Ordinal);
        foreach (var start in graph.Keys.Order(StringComparer.Ordinal))
        {
            if (reported.Contains(start))
            {
                continue;
            }

            if (PathBack(graph, start) is { } path)
            {
                cycles.Add(string.Join(" → ", path));
                reported.UnionWith(path);
            }
        }

        return cycles;
    }

    /// <summary>The shortest path from <paramref name="start"/> back to itself, or null.</summary>
    private static List<string>? PathBack(Dictionary<string, HashSet<string>> graph, string start)
    {
        var previous = new Dictionary<string, string>(StringComparer.Ordinal);
        var queue = new Queue<string>([start]);
        while (queue.Count > 0)
        {
            var node = queue.Dequeue();
            foreach (var next in (graph.GetValueOrDefault(node) ?? []).Order(StringComparer.Ordinal))
            {
                if (next == start)
                {
                    var path = new List<string> { start };
                    for (var n = node; n != start; n = previous[n])
                    {
                        path.Insert(1, n);
                    }

                    path.Add(start);
                    return path;
                }

                if (previous.TryAdd(next, node))
                {
                    queue.Enqueue(next);
                }
            }
        }

        return null;
    }
}

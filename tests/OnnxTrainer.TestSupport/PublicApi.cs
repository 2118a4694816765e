using System.Reflection;
using System.Text;

namespace OnnxTrainer.TestSupport;

/// <summary>
/// A library's public API as text (design.md 7.8), one line per public type and member, sorted; the tests compare it
/// with an approved file (<see cref="Approval"/>), so a change to what users call shows up as a diff and must be
/// approved (ONNXTRAINER_APPROVE=1). Types of the library's own namespaces and of System are written without namespace.
/// </summary>
public static class PublicApi
{
    /// <summary>Fails unless the assembly's public API is the one approved in <paramref name="approvedFile"/> (relative to the repository).</summary>
    public static void Verify(string approvedFile, Assembly assembly) => Approval.Verify(approvedFile, Render(assembly));

    public static string Render(Assembly assembly)
    {
        var shortNamespaces = assembly.GetExportedTypes().Select(t => t.Namespace).Append("System").ToHashSet();
        var sb = new StringBuilder();
        foreach (var type in assembly.GetExportedTypes().OrderBy(t => t.FullName, StringComparer.Ordinal))
        {
            string kind = type.IsEnum ? "enum" : type.IsInterface ? "interface" : type.IsValueType ? "struct"
                : type.IsAbstract && type.IsSealed ? "static class" : type.IsSealed ? "sealed class" : "class";
            var supertypes = new List<string>();
            if (type.BaseType is { } b && b != typeof(object) && b != typeof(Enum) && b != typeof(ValueType)) supertypes.Add(Name(b, shortNamespaces));
            supertypes.AddRange(type.GetInterfaces().Where(i => i.IsPublic && !i.Name.StartsWith("IEquatable", StringComparison.Ordinal)).Select(t => Name(t, shortNamespaces)).Order(StringComparer.Ordinal));
            string bases = supertypes.Count > 0 ? " : " + string.Join(", ", supertypes) : "";
            sb.Append(kind).Append(' ').Append(type.FullName).Append(bases).Append('\n');
            if (type.IsEnum)
            {
                foreach (var n in Enum.GetNames(type)) sb.Append("  ").Append(n).Append('\n');
                continue;
            }
            var lines = new List<string>();
            const BindingFlags flags = BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
            foreach (var m in type.GetMembers(flags))
            {
                switch (m)
                {
                    case ConstructorInfo c:
                        lines.Add($"ctor({Params(c, shortNamespaces)})");
                        break;
                    case MethodInfo mi when !mi.IsSpecialName && !IsRecordNoise(mi):
                        lines.Add($"{(mi.IsStatic ? "static " : "")}{Name(mi.ReturnType, shortNamespaces)}{Nullable(Nullability.Create(mi.ReturnParameter))} {mi.Name}({Params(mi, shortNamespaces)})");
                        break;
                    case PropertyInfo p:
                        var idx = p.GetIndexParameters();
                        string accessors = (p.GetMethod?.IsPublic == true ? " get;" : "") + (p.SetMethod?.IsPublic == true ? (p.SetMethod.ReturnParameter.GetRequiredCustomModifiers().Any(t => t.Name == "IsExternalInit") ? " init;" : " set;") : "");
                        lines.Add($"{(p.GetMethod?.IsStatic == true ? "static " : "")}{Name(p.PropertyType, shortNamespaces)}{Nullable(Nullability.Create(p))} {(idx.Length > 0 ? $"this[{string.Join(", ", idx.Select(i => Name(i.ParameterType, shortNamespaces) + " " + i.Name))}]" : p.Name)} {{{accessors} }}");
                        break;
                    case FieldInfo f:
                        lines.Add($"{(f.IsLiteral ? "const" : f.IsStatic ? "static" : "field")} {Name(f.FieldType, shortNamespaces)} {f.Name}{(f.IsLiteral ? " = " + Convert.ToString(f.GetRawConstantValue(), System.Globalization.CultureInfo.InvariantCulture) : "")}");
                        break;
                }
            }
            foreach (var l in lines.Order(StringComparer.Ordinal)) sb.Append("  ").Append(l).Append('\n');
        }
        return sb.ToString();
    }

    // compiler-generated members of records
    private static bool IsRecordNoise(MethodInfo m) => m.Name is "<Clone>$" or "Deconstruct" or "Equals" or "GetHashCode" or "ToString" or "PrintMembers";

    private static readonly NullabilityInfoContext Nullability = new();

    /// <summary>"?" for a reference type annotated nullable (value types show it through Nullable&lt;T&gt;).</summary>
    private static string Nullable(NullabilityInfo info) => !info.Type.IsValueType && info.ReadState == NullabilityState.Nullable ? "?" : "";

    private static string Params(MethodBase m, HashSet<string?> shortNamespaces) => string.Join(", ", m.GetParameters().Select(p =>
        Name(p.ParameterType, shortNamespaces) + Nullable(Nullability.Create(p)) + " " + p.Name + (p.HasDefaultValue ? " = " + (p.DefaultValue switch { null => "null", string s => $"\"{s}\"", var v => Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture) }) : "")));

    private static string Name(Type t, HashSet<string?> shortNamespaces)
    {
        if (t.IsByRef) return Name(t.GetElementType()!, shortNamespaces) + "&";
        if (t.IsArray) return Name(t.GetElementType()!, shortNamespaces) + "[]";
        if (System.Nullable.GetUnderlyingType(t) is { } u) return Name(u, shortNamespaces) + "?";
        if (t.IsGenericType)
        {
            string n = t.Name[..t.Name.IndexOf('`')];
            return $"{n}<{string.Join(", ", t.GetGenericArguments().Select(a => Name(a, shortNamespaces)))}>";
        }
        return shortNamespaces.Contains(t.Namespace) ? t.Name : t.FullName ?? t.Name;
    }
}

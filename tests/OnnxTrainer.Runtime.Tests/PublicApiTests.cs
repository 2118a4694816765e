using System.Reflection;
using System.Text;
using OnnxTrainer.TestSupport;

namespace OnnxTrainer.Runtime.Tests;

/// <summary>
/// The runtime library's public API, rendered as text and compared with tests/OnnxTrainer.Runtime.Tests/Approved/public-api.txt
/// (design.md 7.8): a change to what apps embed shows up as a diff and must be approved (ONNXTRAINER_APPROVE=1).
/// </summary>
public class PublicApiTests
{
    [Fact]
    public void Public_api_is_unchanged() =>
        Approval.Verify("tests/OnnxTrainer.Runtime.Tests/Approved/public-api.txt", Render(typeof(ImageModel).Assembly));

    [Fact]
    public void Runtime_references_only_onnx_runtime_and_skiasharp()
    {
        var references = typeof(ImageModel).Assembly.GetReferencedAssemblies().Select(a => a.Name!)
            .Where(n => !n.StartsWith("System", StringComparison.Ordinal) && n != "netstandard")
            .Order().ToList();
        Assert.Equal(["Microsoft.ML.OnnxRuntime", "SkiaSharp"], references);
    }

    public static string Render(Assembly assembly)
    {
        var sb = new StringBuilder();
        foreach (var type in assembly.GetExportedTypes().OrderBy(t => t.FullName, StringComparer.Ordinal))
        {
            string kind = type.IsEnum ? "enum" : type.IsInterface ? "interface" : type.IsValueType ? "struct"
                : type.IsAbstract && type.IsSealed ? "static class" : type.IsSealed ? "sealed class" : "class";
            var supertypes = new List<string>();
            if (type.BaseType is { } b && b != typeof(object) && b != typeof(Enum) && b != typeof(ValueType)) supertypes.Add(Name(b));
            supertypes.AddRange(type.GetInterfaces().Where(i => i.IsPublic && !i.Name.StartsWith("IEquatable", StringComparison.Ordinal)).Select(Name).Order(StringComparer.Ordinal));
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
                        lines.Add($"ctor({Params(c)})");
                        break;
                    case MethodInfo mi when !mi.IsSpecialName && !IsRecordNoise(mi):
                        lines.Add($"{(mi.IsStatic ? "static " : "")}{Name(mi.ReturnType)}{Nullable(Nullability.Create(mi.ReturnParameter))} {mi.Name}({Params(mi)})");
                        break;
                    case PropertyInfo p:
                        var idx = p.GetIndexParameters();
                        string accessors = (p.GetMethod?.IsPublic == true ? " get;" : "") + (p.SetMethod?.IsPublic == true ? (p.SetMethod.ReturnParameter.GetRequiredCustomModifiers().Any(t => t.Name == "IsExternalInit") ? " init;" : " set;") : "");
                        lines.Add($"{(p.GetMethod?.IsStatic == true ? "static " : "")}{Name(p.PropertyType)}{Nullable(Nullability.Create(p))} {(idx.Length > 0 ? $"this[{string.Join(", ", idx.Select(i => Name(i.ParameterType) + " " + i.Name))}]" : p.Name)} {{{accessors} }}");
                        break;
                    case FieldInfo f:
                        lines.Add($"{(f.IsLiteral ? "const" : f.IsStatic ? "static" : "field")} {Name(f.FieldType)} {f.Name}{(f.IsLiteral ? " = " + Convert.ToString(f.GetRawConstantValue(), System.Globalization.CultureInfo.InvariantCulture) : "")}");
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

    private static string Params(MethodBase m) => string.Join(", ", m.GetParameters().Select(p =>
        Name(p.ParameterType) + Nullable(Nullability.Create(p)) + " " + p.Name + (p.HasDefaultValue ? " = " + (p.DefaultValue switch { null => "null", string s => $"\"{s}\"", var v => Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture) }) : "")));

    private static string Name(Type t)
    {
        if (t.IsByRef) return Name(t.GetElementType()!) + "&";
        if (t.IsArray) return Name(t.GetElementType()!) + "[]";
        if (System.Nullable.GetUnderlyingType(t) is { } u) return Name(u) + "?";
        if (t.IsGenericType)
        {
            string n = t.Name[..t.Name.IndexOf('`')];
            return $"{n}<{string.Join(", ", t.GetGenericArguments().Select(Name))}>";
        }
        return t.Namespace is "System" or "OnnxTrainer.Runtime" or "OnnxTrainer.Runtime.Imaging" ? t.Name : t.FullName ?? t.Name;
    }
}
